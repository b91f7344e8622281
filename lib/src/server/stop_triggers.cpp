#include "websockify/server/stop_triggers.hpp"

#include <csignal>

namespace websockify::server
{
namespace
{

std::string seconds_text(std::chrono::milliseconds limit)
{
    const auto ms = limit.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) : std::to_string(ms) + "ms";
}

} // namespace

net::awaitable<stop_request> stop_on_signal(asio::signal_set& signals)
{
    auto [ec, number] = co_await signals.async_wait(net::use_tuple);
    co_return stop_request{std::string("Got signal ") + (number == SIGINT ? "SIGINT" : "SIGTERM"),
                           std::nullopt};
}

net::awaitable<stop_request> stop_after(std::chrono::milliseconds limit)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    co_await timer.async_wait(net::use_tuple);
    co_return stop_request{"listener exit due to --timeout " + seconds_text(limit), std::nullopt};
}

net::awaitable<stop_request> stop_when_idle(session_tracker& sessions,
                                            std::chrono::milliseconds limit)
{
    for (;;)
    {
        if (sessions.live() > 0)
        {
            co_await sessions.wait_until_empty();
            continue;
        }
        const bool changed = co_await sessions.wait_for_change(limit);
        if (!changed && sessions.live() == 0)
        {
            co_return stop_request{"listener exit due to --idle-timeout " + seconds_text(limit),
                                   std::nullopt};
        }
    }
}

net::awaitable<stop_request> stop_after_first_session(session_tracker& sessions,
                                                      net::stream_acceptor& acceptor,
                                                      readiness& ready)
{
    co_await sessions.first_websocket_started().wait();
    asio::error_code ignored;
    acceptor.close(ignored);
    ready.not_accepting();
    co_await sessions.first_websocket_ended().wait();
    co_return stop_request{"exiting due to --run-once", std::nullopt};
}

net::awaitable<stop_request> never()
{
    asio::steady_timer forever(co_await asio::this_coro::executor,
                               asio::steady_timer::time_point::max());
    co_await forever.async_wait(net::use_tuple);
    co_return stop_request{};
}

net::awaitable<stop_request> never_stop(net::awaitable<void> task)
{
    co_await std::move(task);
    co_return co_await never();
}

} // namespace websockify::server
