#pragma once

#include "websockify/config/config.hpp"
#include "websockify/error/result.hpp"
#include "websockify/net/asio.hpp"

#include <chrono>

namespace websockify::net
{

/// Resolves the target and tries every address in turn, each bounded by `timeout`, so that a
/// dead IPv6 route does not hide a working IPv4 one. TCP_NODELAY is set: we relay messages
/// that a user is waiting for (VNC updates, keystrokes). Fails with the last error seen.
awaitable<result<tcp::socket>> connect_target(const config::endpoint& target,
                                              std::chrono::steady_clock::duration timeout);

} // namespace websockify::net
