#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/server/session_tracker.hpp"

#include <chrono>

namespace websockify::server
{

/// How long the graceful stop gives sessions.
struct drain_limits
{
    /// Sessions go on undisturbed this long after the stop request.
    std::chrono::milliseconds grace;
    /// Then each gets 1001 "Going Away" and this long to answer the close.
    std::chrono::milliseconds close;
};

/// The graceful stop, once no new client is accepted: waits until every connection has ended
/// or the grace period is over, then sets going_away() so that relays send 1001, and waits
/// for their close handshakes. A second SIGINT/SIGTERM on `signals` cuts it short. False when
/// connections were left behind (cut short, or they did not finish in time).
net::awaitable<bool> drain_sessions(session_tracker& sessions, drain_limits limits,
                                    asio::signal_set& signals);

} // namespace websockify::server
