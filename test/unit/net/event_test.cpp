#include "websockify/net/event.hpp"

#include <gtest/gtest.h>

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

} // namespace
} // namespace websockify::net
