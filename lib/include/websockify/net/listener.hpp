#pragma once

#include "websockify/config/config.hpp"
#include "websockify/net/asio.hpp"

#include <stdexcept>

namespace websockify::net
{

/// Startup failure that stops the server with one readable line (busy port, bad address).
class startup_error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Opens a listening socket. An empty host listens dual-stack on [::] (IPv4-mapped too),
/// falling back to 0.0.0.0 without IPv6; a name is resolved, IPv6 first with `prefer_ipv6`.
/// Throws startup_error naming the address and the reason.
stream_acceptor open_listener(const asio::any_io_executor& executor, const config::endpoint& where,
                              bool prefer_ipv6);

} // namespace websockify::net
