#include "websockify/server/session_tracker.hpp"

#include "websockify/net/with_timeout.hpp"

namespace websockify::server
{

session_tracker::session_tracker(const asio::any_io_executor& home,
                                 const std::vector<asio::any_io_executor>& session_executors)
    : home_(home), change_(home, asio::steady_timer::time_point::max()),
      first_websocket_started_(home), first_websocket_ended_(home)
{
    threads_.push_back(std::make_unique<session_thread>(home));
    for (const auto& executor : session_executors)
    {
        if (executor != home)
        {
            threads_.push_back(std::make_unique<session_thread>(executor));
        }
    }
}

template <class Work> void session_tracker::at_home(Work work)
{
    // dispatch runs `work` inline when called from `home`'s own thread, so a single-threaded
    // server sees every change at once, as before.
    asio::dispatch(home_, std::move(work));
}

void session_tracker::connection_opened()
{
    ++live_;
    changed();
}

void session_tracker::connection_closed()
{
    // Carried to `home` in batches: one trip there for however many closed meanwhile (each
    // trip is a wake-up of the home thread, and with --threads a handshake cycle made three).
    if (closed_pending_.fetch_add(1, std::memory_order_acq_rel) == 0)
    {
        at_home([this] { count_closed(); });
    }
}

void session_tracker::count_closed()
{
    live_ -= closed_pending_.exchange(0, std::memory_order_acq_rel);
    memory_release_.live_connections(live_);
    changed();
}

void session_tracker::websocket_started()
{
    // Only the first one is an event (--run-once): later ones need no trip to `home`.
    if (!websocket_started_seen_.exchange(true, std::memory_order_acq_rel))
    {
        at_home([this] { first_websocket_started_.set(); });
    }
}

void session_tracker::websocket_ended()
{
    if (!websocket_ended_seen_.exchange(true, std::memory_order_acq_rel))
    {
        at_home([this] { first_websocket_ended_.set(); });
    }
}

void session_tracker::tell_sessions_to_go_away()
{
    for (const auto& thread : threads_)
    {
        // Each event is set on its own thread, where its waiters are.
        asio::dispatch(thread->executor, [&event = thread->going_away] { event.set(); });
    }
}

net::event& session_tracker::going_away(const asio::any_io_executor& session_executor) noexcept
{
    for (const auto& thread : threads_)
    {
        if (thread->executor == session_executor)
        {
            return thread->going_away;
        }
    }
    return threads_.front()->going_away;
}

void session_tracker::changed()
{
    ++version_;
    change_.cancel();
}

net::awaitable<void> session_tracker::wait_until_empty()
{
    while (live_ > 0)
    {
        const auto before = version_;
        co_await change_.async_wait(net::use_tuple);
        if (version_ == before)
        {
            co_return; // cancelled from outside, not woken by a change
        }
    }
}

net::awaitable<bool> session_tracker::wait_for_change(std::chrono::steady_clock::duration limit)
{
    const auto before = version_;
    co_await net::with_timeout(change_.async_wait(net::use_tuple), limit);
    co_return version_ != before;
}

} // namespace websockify::server
