#include "websockify/server/session_tracker.hpp"

#include "websockify/net/with_timeout.hpp"

namespace websockify::server
{

session_tracker::session_tracker(const asio::any_io_executor& executor)
    : change_(executor, asio::steady_timer::time_point::max()), first_websocket_started_(executor),
      first_websocket_ended_(executor), going_away_(executor)
{
}

void session_tracker::connection_opened()
{
    ++live_;
    changed();
}

void session_tracker::connection_closed()
{
    --live_;
    memory_release_.live_connections(live_);
    changed();
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
