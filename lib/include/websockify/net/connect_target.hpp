#pragma once

#include "websockify/config/config.hpp"
#include "websockify/error/result.hpp"
#include "websockify/net/asio.hpp"

#include <chrono>
#include <functional>
#include <vector>

namespace websockify::net
{

/// Decides whether a resolved target address may be connected to.
using endpoint_filter = std::function<bool(const tcp::endpoint&)>;

/// Resolves the target and tries every address in turn, each bounded by `timeout`, so that a
/// dead IPv6 route does not hide a working IPv4 one. "localhost" means 127.0.0.1 then [::1]
/// without a lookup (RFC 6761 §6.3), whatever /etc/hosts lists. TCP_NODELAY is set: we relay
/// messages that a user is waiting for (VNC updates, keystrokes).
/// With a non-zero `retry_window`, a refused connect is retried after short pauses until the
/// window has passed: a wrapped program may be (re)starting. Fails with the last error seen
/// (connection refused when any address refused).
/// With `allowed`, addresses it rejects are never connected to (--allow-target); when it
/// rejects them all, the connect fails with host_not_found.
/// `allowed` is a pointer, not a defaulted reference: gcc 12 destroys temporaries bound to a
/// coroutine's parameters in a co_await expression twice.
awaitable<result<stream_socket>>
connect_target(const config::endpoint& target, std::chrono::steady_clock::duration timeout,
               std::chrono::steady_clock::duration retry_window = {},
               const endpoint_filter* allowed = nullptr);

/// The target's addresses, bounded by `timeout`; "localhost" is 127.0.0.1 and [::1] without a
/// lookup.
awaitable<result<std::vector<tcp::endpoint>>>
resolve_target(const config::endpoint& target, std::chrono::steady_clock::duration timeout);

} // namespace websockify::net
