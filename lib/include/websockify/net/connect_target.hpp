#pragma once

#include "websockify/config/config.hpp"
#include "websockify/error/result.hpp"
#include "websockify/net/asio.hpp"

#include <chrono>

namespace websockify::net
{

/// Resolves the target and tries every address in turn, each bounded by `timeout`, so that a
/// dead IPv6 route does not hide a working IPv4 one. "localhost" means 127.0.0.1 then [::1]
/// without a lookup (RFC 6761 §6.3), whatever /etc/hosts lists. TCP_NODELAY is set: we relay
/// messages that a user is waiting for (VNC updates, keystrokes).
/// With a non-zero `retry_window`, a refused connect is retried after short pauses until the
/// window has passed: a wrapped program may be (re)starting. Fails with the last error seen
/// (connection refused when any address refused).
awaitable<result<stream_socket>>
connect_target(const config::endpoint& target, std::chrono::steady_clock::duration timeout,
               std::chrono::steady_clock::duration retry_window = {});

} // namespace websockify::net
