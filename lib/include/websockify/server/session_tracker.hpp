#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/net/event.hpp"
#include "websockify/process/memory_release.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace websockify::server
{

/// Counts live connections and carries the events that end them, for the lifecycle:
/// --idle-timeout (no connection for a while), --run-once (the first WebSocket session) and
/// the graceful stop (wait for sessions, then tell them to go away). Single-threaded.
class session_tracker
{
public:
    explicit session_tracker(const asio::any_io_executor& executor);

    void connection_opened();
    void connection_closed();
    std::size_t live() const noexcept { return live_; }

    /// Completes when no connection is left (at once if none is), or when cancelled.
    net::awaitable<void> wait_until_empty();
    /// True when the number of connections changed within `limit`.
    net::awaitable<bool> wait_for_change(std::chrono::steady_clock::duration limit);

    /// A WebSocket session was accepted (101 sent) / has ended: --run-once watches these.
    void websocket_started() { first_websocket_started_.set(); }
    void websocket_ended() { first_websocket_ended_.set(); }
    net::event& first_websocket_started() noexcept { return first_websocket_started_; }
    net::event& first_websocket_ended() noexcept { return first_websocket_ended_; }

    /// Set when the shutdown grace period is over: relays close with 1001 "Going Away".
    net::event& going_away() noexcept { return going_away_; }

private:
    void changed();

    std::size_t live_ = 0;
    process::memory_release memory_release_; ///< trims the heap when a crowd has left
    std::uint64_t version_ = 0; ///< bumped on every change, to tell a change from a cancel
    asio::steady_timer change_; ///< never expires; cancel() wakes every waiter
    net::event first_websocket_started_;
    net::event first_websocket_ended_;
    net::event going_away_;
};

} // namespace websockify::server
