#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/net/event.hpp"
#include "websockify/process/memory_release.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace websockify::server
{

/// Counts live connections and carries the events that end them, for the lifecycle:
/// --idle-timeout (no connection for a while), --run-once (the first WebSocket session) and
/// the graceful stop (wait for sessions, then tell them to go away).
///
/// The counts and the lifecycle waits live on the `home` executor. Sessions on other threads
/// (--threads) report to it from anywhere: their reports are carried over to `home`. Each
/// session thread has its own going-away event, so a session only waits on its own thread.
class session_tracker
{
public:
    /// `session_executors`: where sessions may run besides `home`, one going-away event each.
    explicit session_tracker(const asio::any_io_executor& home,
                             const std::vector<asio::any_io_executor>& session_executors = {});

    /// Called from the accept loop, on `home`.
    void connection_opened();
    /// Any thread; counted once carried over to `home`.
    void connection_closed();
    /// On `home` only.
    std::size_t live() const noexcept { return live_; }

    /// On `home`: completes when no connection is left (at once if none is), or when cancelled.
    net::awaitable<void> wait_until_empty();
    /// On `home`: true when the number of connections changed within `limit`.
    net::awaitable<bool> wait_for_change(std::chrono::steady_clock::duration limit);

    /// A WebSocket session was accepted (101 sent) / has ended: --run-once watches these.
    /// Any thread.
    void websocket_started();
    void websocket_ended();
    net::event& first_websocket_started() noexcept { return first_websocket_started_; }
    net::event& first_websocket_ended() noexcept { return first_websocket_ended_; }

    /// Sets every thread's going-away event: relays close with 1001 "Going Away". On `home`.
    void tell_sessions_to_go_away();
    /// The going-away event of the thread a session runs on (`home`'s for an executor that
    /// is not a session thread). Waited on from that thread only.
    net::event& going_away(const asio::any_io_executor& session_executor) noexcept;

private:
    void changed();
    void count_closed(); ///< on `home`: takes the closes reported since the last time
    /// Runs `work` on `home`: at once when already there, else queued there.
    template <class Work> void at_home(Work work);

    struct session_thread
    {
        explicit session_thread(const asio::any_io_executor& where)
            : executor(where), going_away(where)
        {
        }
        asio::any_io_executor executor;
        net::event going_away;
    };

    asio::any_io_executor home_;
    std::size_t live_ = 0;
    std::atomic<std::size_t> closed_pending_{0}; ///< closes not yet counted in live_
    std::atomic<bool> websocket_started_seen_{false};
    std::atomic<bool> websocket_ended_seen_{false};
    process::memory_release memory_release_; ///< trims the heap when a crowd has left
    std::uint64_t version_ = 0; ///< bumped on every change, to tell a change from a cancel
    asio::steady_timer change_; ///< never expires; cancel() wakes every waiter
    net::event first_websocket_started_;
    net::event first_websocket_ended_;
    /// `home` first; events never move, since sessions hold references to them.
    std::vector<std::unique_ptr<session_thread>> threads_;
};

} // namespace websockify::server
