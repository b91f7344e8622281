#include "websockify/server/session_threads.hpp"

#include <atomic>
#include <future>
#include <gtest/gtest.h>
#include <memory>
#include <set>
#include <thread>

namespace websockify::server
{
namespace
{

TEST(SessionThreads, OneThreadKeepsEverySessionAtHome)
{
    asio::io_context home;
    session_threads threads(home, 1);
    EXPECT_EQ(threads.size(), 1U);
    EXPECT_TRUE(threads.next() == asio::any_io_executor(home.get_executor()));
    EXPECT_TRUE(threads.next() == asio::any_io_executor(home.get_executor()));
    EXPECT_EQ(threads.executors().size(), 1U);
}

TEST(SessionThreads, ZeroIsTreatedAsOne)
{
    asio::io_context home;
    const session_threads threads(home, 0);
    EXPECT_EQ(threads.size(), 1U);
}

TEST(SessionThreads, ClientsAreDealtOutInTurn)
{
    asio::io_context home;
    session_threads threads(home, 3);
    const auto all = threads.executors();
    ASSERT_EQ(all.size(), 3U);
    EXPECT_TRUE(all[0] == asio::any_io_executor(home.get_executor()));
    for (int round = 0; round < 2; ++round)
    {
        for (const auto& expected : all)
        {
            EXPECT_TRUE(threads.next() == expected);
        }
    }
}

TEST(SessionThreads, WorkRunsOnAnotherThreadOnceStarted)
{
    asio::io_context home;
    session_threads threads(home, 2);
    (void)threads.next(); // home's turn
    const auto elsewhere = threads.next();
    std::promise<std::thread::id> ran_on;
    asio::post(elsewhere, [&] { ran_on.set_value(std::this_thread::get_id()); });
    threads.start();
    auto id = ran_on.get_future();
    EXPECT_NE(id.get(), std::this_thread::get_id());
    threads.stop();
}

TEST(SessionThreads, StopDestroysWorkThatNeverRan)
{
    asio::io_context home;
    auto alive = std::make_shared<int>(0);
    {
        session_threads threads(home, 2);
        (void)threads.next();
        // Never started: the handler (and what it holds) must go at stop(), not leak.
        asio::post(threads.next(), [held = alive] { *held = 1; });
        EXPECT_EQ(alive.use_count(), 2);
        threads.stop();
        EXPECT_EQ(alive.use_count(), 1);
    }
    EXPECT_EQ(*alive, 0);
}

TEST(SessionThreads, DefaultCountIsAtLeastOne)
{
    EXPECT_GE(default_thread_count(), 1U);
}

} // namespace
} // namespace websockify::server
