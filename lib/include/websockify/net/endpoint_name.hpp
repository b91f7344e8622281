#pragma once

#include "websockify/net/asio.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace websockify::net
{

/// Who a connection came from, as logs show it.
struct peer_name
{
    std::string address; ///< "192.0.2.1", "2001:db8::1", or "unix:PATH"
    std::uint16_t port = 0;
};

/// The TCP view of a generic endpoint; nullopt for other families (unix).
std::optional<tcp::endpoint> as_tcp(const asio::generic::stream_protocol::endpoint& endpoint);

/// The client of an accepted connection. IPv4 clients of a dual-stack listener are shown as
/// a.b.c.d, not ::ffff:a.b.c.d. Unix clients are unnamed, so the listening path names them.
peer_name name_peer(const stream_socket& socket);

/// The address a listener is bound to: "unix:PATH" for a unix socket, else its port.
struct listener_name
{
    std::string unix_path; ///< set for unix sockets
    std::uint16_t port = 0;
};
listener_name name_listener(const stream_acceptor& acceptor);

} // namespace websockify::net
