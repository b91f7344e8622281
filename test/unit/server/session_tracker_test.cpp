#include "websockify/server/session_tracker.hpp"

#include <gtest/gtest.h>
#include <thread>

namespace websockify::server
{
namespace
{

using namespace std::chrono_literals;

net::awaitable<void> wait_empty(session_tracker& sessions, bool& done)
{
    co_await sessions.wait_until_empty();
    done = true;
}

net::awaitable<void> wait_change(session_tracker& sessions, std::chrono::milliseconds limit,
                                 std::optional<bool>& changed)
{
    changed = co_await sessions.wait_for_change(limit);
}

TEST(SessionTracker, WaitUntilEmptyWakesOnLastClose)
{
    asio::io_context io;
    session_tracker sessions(io.get_executor());
    sessions.connection_opened();
    sessions.connection_opened();
    bool done = false;
    asio::co_spawn(io, wait_empty(sessions, done), asio::detached);
    io.poll();
    sessions.connection_closed();
    io.poll();
    EXPECT_FALSE(done) << "one connection is still open";
    sessions.connection_closed();
    io.poll();
    EXPECT_TRUE(done);
    EXPECT_EQ(sessions.live(), 0U);
}

TEST(SessionTracker, WaitForChangeTellsChangeFromTimeout)
{
    asio::io_context io;
    session_tracker sessions(io.get_executor());
    std::optional<bool> changed;
    asio::co_spawn(io, wait_change(sessions, 10s, changed), asio::detached);
    io.poll();
    sessions.connection_opened();
    io.poll();
    ASSERT_TRUE(changed.has_value());
    EXPECT_TRUE(*changed);

    std::optional<bool> quiet;
    asio::co_spawn(io, wait_change(sessions, 1ms, quiet), asio::detached);
    io.restart(); // the first wait left the context out of work, hence stopped
    io.run_for(1s);
    ASSERT_TRUE(quiet.has_value());
    EXPECT_FALSE(*quiet);
}

TEST(SessionTracker, RunOnceEvents)
{
    asio::io_context io;
    session_tracker sessions(io.get_executor());
    EXPECT_FALSE(sessions.first_websocket_started().is_set());
    sessions.websocket_started();
    io.poll(); // called from outside the context: carried over to it
    EXPECT_TRUE(sessions.first_websocket_started().is_set());
    EXPECT_FALSE(sessions.first_websocket_ended().is_set());
    sessions.websocket_ended();
    io.restart(); // out of work after the first poll, hence stopped
    io.poll();
    EXPECT_TRUE(sessions.first_websocket_ended().is_set());
}

TEST(SessionTracker, ReportsFromAnotherThreadAreCountedAtHome)
{
    asio::io_context home;
    asio::io_context other;
    session_tracker sessions(home.get_executor(), {other.get_executor()});
    sessions.connection_opened();
    bool done = false;
    asio::co_spawn(home, wait_empty(sessions, done), asio::detached);
    home.poll();
    std::thread session_thread(
        [&]
        {
            asio::post(other, [&] { sessions.connection_closed(); });
            other.run();
        });
    session_thread.join();
    EXPECT_EQ(sessions.live(), 1U) << "not counted until home runs";
    home.poll();
    EXPECT_EQ(sessions.live(), 0U);
    EXPECT_TRUE(done);
}

TEST(SessionTracker, EachThreadHasItsOwnGoingAwayEvent)
{
    asio::io_context home;
    asio::io_context other;
    session_tracker sessions(home.get_executor(), {home.get_executor(), other.get_executor()});
    auto& at_home = sessions.going_away(home.get_executor());
    auto& elsewhere = sessions.going_away(other.get_executor());
    EXPECT_NE(&at_home, &elsewhere);
    asio::io_context stranger;
    EXPECT_EQ(&sessions.going_away(stranger.get_executor()), &at_home);

    sessions.tell_sessions_to_go_away();
    home.poll();
    EXPECT_TRUE(at_home.is_set());
    EXPECT_FALSE(elsewhere.is_set()) << "set on its own thread, which has not run yet";
    other.poll();
    EXPECT_TRUE(elsewhere.is_set());
}

} // namespace
} // namespace websockify::server
