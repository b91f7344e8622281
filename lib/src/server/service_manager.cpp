#include "websockify/server/service_manager.hpp"

#include "websockify/process/systemd.hpp"

#include <string>
#include <unistd.h>

namespace websockify::server
{

void announce_ready(std::string_view status)
{
    // MAINPID: after -D the process systemd started is not the one that serves.
    process::notify_service_manager("READY=1\nSTATUS=" + std::string(status) +
                                    "\nMAINPID=" + std::to_string(::getpid()));
}

void announce_reloading()
{
    process::notify_service_manager("RELOADING=1\nSTATUS=Reloading (SIGHUP)");
}

void announce_reloaded()
{
    process::notify_service_manager("READY=1\nSTATUS=Serving (reloaded)");
}

void announce_stopping(std::string_view reason)
{
    process::notify_service_manager("STOPPING=1\nSTATUS=Stopping: " + std::string(reason));
}

net::awaitable<void> feed_watchdog()
{
    const auto interval = process::watchdog_ping_interval();
    if (!interval)
    {
        co_return;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;)
    {
        process::notify_service_manager("WATCHDOG=1");
        timer.expires_after(*interval);
        if (auto [ec] = co_await timer.async_wait(net::use_tuple); ec)
        {
            co_return;
        }
    }
}

} // namespace websockify::server
