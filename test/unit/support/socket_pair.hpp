#pragma once

#include "websockify/net/asio.hpp"

#include <array>
#include <cerrno>
#include <sys/socket.h>
#include <system_error>

namespace websockify::test
{

/// A connected unix stream socket pair, both as the relay's socket type.
struct socket_pair
{
    explicit socket_pair(asio::io_context& io) : ours(io), peer(io)
    {
        std::array<int, 2> fds{};
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds.data()) != 0)
        {
            throw std::system_error(errno, std::generic_category(), "socketpair");
        }
        const asio::generic::stream_protocol protocol(AF_UNIX, 0);
        ours.assign(protocol, fds[0]);
        peer.assign(protocol, fds[1]);
    }
    net::stream_socket ours;
    net::stream_socket peer;
};

} // namespace websockify::test
