#include "websockify/server/drain.hpp"

#include "websockify/log/log.hpp"
#include "websockify/net/with_timeout.hpp"

#include <string>

namespace websockify::server
{
namespace
{

using namespace std::chrono_literals;

/// Beyond the close timeout: time for relays to log and release their sockets.
constexpr auto close_margin = 500ms;

enum class wait_end
{
    empty,
    timed_out,
    interrupted
};

net::awaitable<wait_end> wait_empty_within(session_tracker& sessions,
                                           std::chrono::milliseconds limit,
                                           asio::signal_set& signals)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    auto ended = co_await (sessions.wait_until_empty() || timer.async_wait(net::use_tuple) ||
                           signals.async_wait(net::use_tuple));
    switch (ended.index())
    {
    case 0:
        co_return wait_end::empty;
    case 1:
        co_return wait_end::timed_out;
    default:
        co_return wait_end::interrupted;
    }
}

std::string count_text(std::size_t live)
{
    return std::to_string(live) + (live == 1 ? " connection" : " connections");
}

} // namespace

net::awaitable<bool> drain_sessions(session_tracker& sessions, drain_limits limits,
                                    asio::signal_set& signals)
{
    if (sessions.live() == 0)
    {
        co_return true;
    }
    log::server_info("waiting up to " + std::to_string(limits.grace.count()) + " ms for " +
                     count_text(sessions.live()) + " to finish (signal again to exit now)");
    auto ended = co_await wait_empty_within(sessions, limits.grace, signals);
    if (ended == wait_end::timed_out)
    {
        log::server_info("grace period over: closing " + count_text(sessions.live()) +
                         " with 1001 Going Away");
        sessions.tell_sessions_to_go_away();
        ended = co_await wait_empty_within(sessions, limits.close + close_margin, signals);
    }
    if (ended == wait_end::interrupted)
    {
        log::server_warn("second signal: exiting now, " + count_text(sessions.live()) + " cut off");
        co_return false;
    }
    if (ended == wait_end::timed_out)
    {
        log::server_warn(count_text(sessions.live()) + " did not close in time and were cut off");
        co_return false;
    }
    co_return true;
}

} // namespace websockify::server
