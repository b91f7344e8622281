#pragma once

#include "websockify/net/asio.hpp"

#include <string_view>

namespace websockify::net
{

/// Takes over a listening stream socket (TCP or unix) that the parent process passed as `fd`:
/// 0 for --inetd (inetd/xinetd "wait" services), 3 and up for systemd socket activation.
/// Throws startup_error, naming the socket as `what` says ("--inetd", "systemd socket"), when
/// `fd` is not a listening stream socket.
stream_acceptor adopt_listener(const asio::any_io_executor& executor, int fd,
                               std::string_view what = "--inetd");

} // namespace websockify::net
