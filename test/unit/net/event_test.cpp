#include "websockify/net/event.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <system_error>

namespace websockify::net
{
namespace
{

net::awaitable<void> wait_and_count(event& e, int& woken)
{
    co_await e.wait();
    ++woken;
}

TEST(Event, SetWakesEveryWaiter)
{
    asio::io_context io;
    event e(io.get_executor());
    int woken = 0;
    for (int i = 0; i < 3; ++i)
    {
        asio::co_spawn(io, wait_and_count(e, woken), asio::detached);
    }
    io.poll();
    EXPECT_EQ(woken, 0);
    e.set();
    io.poll();
    EXPECT_EQ(woken, 3);
    EXPECT_TRUE(e.is_set());
}

TEST(Event, WaitAfterSetReturnsAtOnce)
{
    asio::io_context io;
    event e(io.get_executor());
    e.set();
    e.set(); // a second set changes nothing
    int woken = 0;
    asio::co_spawn(io, wait_and_count(e, woken), asio::detached);
    io.poll();
    EXPECT_EQ(woken, 1);
}

TEST(Event, APlainHandlerWaitsToo)
{
    asio::io_context io;
    event e(io.get_executor());
    std::optional<std::error_code> before;
    std::optional<std::error_code> after;
    e.async_wait([&](std::error_code ec) { before = ec; });
    io.poll();
    EXPECT_FALSE(before.has_value());
    e.set();
    io.poll();
    EXPECT_EQ(before, std::error_code());
    e.async_wait([&](std::error_code ec) { after = ec; });
    io.restart(); // out of work after the first wait
    io.poll();
    EXPECT_EQ(after, std::error_code());
}

TEST(Event, APlainWaitCancelledThroughItsSlotIsAborted)
{
    asio::io_context io;
    event e(io.get_executor());
    asio::cancellation_signal stop;
    std::optional<std::error_code> woke;
    e.async_wait(asio::bind_cancellation_slot(stop.slot(), [&](std::error_code ec) { woke = ec; }));
    io.poll();
    stop.emit(asio::cancellation_type::terminal);
    io.poll();
    EXPECT_EQ(woke, asio::error::operation_aborted);
    EXPECT_FALSE(e.is_set());
}

} // namespace
} // namespace websockify::net
