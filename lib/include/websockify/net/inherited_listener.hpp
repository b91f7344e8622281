#pragma once

#include "websockify/net/asio.hpp"

namespace websockify::net
{

/// --inetd: takes over a listening stream socket (TCP or unix) that the parent process passed
/// as `fd` (0 for inetd/xinetd "wait" services and systemd-style launchers). Throws
/// startup_error when `fd` is not a listening stream socket.
stream_acceptor adopt_listener(const asio::any_io_executor& executor, int fd);

} // namespace websockify::net
