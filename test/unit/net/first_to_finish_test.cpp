#include "websockify/net/first_to_finish.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <optional>
#include <stdexcept>
#include <string>

namespace websockify::net
{
namespace
{

using namespace std::chrono_literals;
using group = first_to_finish<std::string, 4>;

/// Sleeps `delay`, then answers `name`; "cancelled" if its wait was cancelled.
awaitable<std::string> answer_after(std::chrono::milliseconds delay, std::string name,
                                    int& finished)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    auto [ec] = co_await timer.async_wait(use_tuple);
    ++finished;
    co_return ec ? std::string("cancelled") : name;
}

awaitable<std::string> fail_after(std::chrono::milliseconds delay)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(use_tuple);
    throw std::runtime_error("broken member");
}

/// The documented wait: every member finishes before the result is taken.
awaitable<void> wait_all(std::shared_ptr<group> members, std::optional<std::string>& result)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    while (!members->all_finished())
    {
        co_await members->wait_for_all();
        members->cancel_running();
    }
    result = members->take_result();
}

std::string failure_text(const std::exception_ptr& e)
{
    try
    {
        std::rethrow_exception(e);
    }
    catch (const std::exception& caught)
    {
        return std::string("failed: ") + caught.what();
    }
}

TEST(FirstToFinish, TheFirstResultWinsAndTheOthersAreCancelledAndWaitedFor)
{
    asio::io_context io;
    auto members = std::make_shared<group>(io.get_executor());
    int finished = 0;
    members->spawn(answer_after(10s, "slow", finished), failure_text);
    members->spawn(answer_after(1ms, "fast", finished), failure_text);
    members->spawn(answer_after(20s, "slower", finished), failure_text);
    std::optional<std::string> result;
    asio::co_spawn(io, wait_all(members, result), asio::detached);
    const auto started = std::chrono::steady_clock::now();
    io.run();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(result, "fast");
    EXPECT_EQ(finished, 3); // the cancelled ones ran to their end
    EXPECT_TRUE(members->all_finished());
}

TEST(FirstToFinish, AThrowingMemberEndsTheGroupThroughOnFailure)
{
    asio::io_context io;
    auto members = std::make_shared<group>(io.get_executor());
    int finished = 0;
    members->spawn(answer_after(10s, "slow", finished), failure_text);
    members->spawn(fail_after(1ms), failure_text);
    std::optional<std::string> result;
    asio::co_spawn(io, wait_all(members, result), asio::detached);
    io.run();
    EXPECT_EQ(result, "failed: broken member");
    EXPECT_EQ(finished, 1);
}

TEST(FirstToFinish, APlainOperationIsAMemberToo)
{
    asio::io_context io;
    auto members = std::make_shared<group>(io.get_executor());
    int finished = 0;
    members->spawn(answer_after(10s, "coroutine", finished), failure_text);
    asio::steady_timer timer(io, 1ms);
    const auto member = members->enlist();
    timer.async_wait(asio::bind_cancellation_slot(
        members->slot(member), [members, member](std::error_code ec)
        { members->finished(member, ec ? std::nullopt : std::optional<std::string>("timer")); }));
    std::optional<std::string> result;
    asio::co_spawn(io, wait_all(members, result), asio::detached);
    io.run();
    EXPECT_EQ(result, "timer");
    EXPECT_EQ(finished, 1);
}

TEST(FirstToFinish, APlainMemberWithNothingToReportDoesNotEndTheGroup)
{
    asio::io_context io;
    auto members = std::make_shared<group>(io.get_executor());
    int finished = 0;
    members->spawn(answer_after(20ms, "coroutine", finished), failure_text);
    const auto member = members->enlist();
    asio::post(io, [members, member] { members->finished(member, std::nullopt); });
    std::optional<std::string> result;
    asio::co_spawn(io, wait_all(members, result), asio::detached);
    io.run();
    EXPECT_EQ(result, "coroutine");
}

TEST(FirstToFinish, AWaiterCancelledFromOutsideStillWaitsForTheMembers)
{
    asio::io_context io;
    auto members = std::make_shared<group>(io.get_executor());
    int finished = 0;
    members->spawn(answer_after(10s, "a", finished), failure_text);
    members->spawn(answer_after(20s, "b", finished), failure_text);
    std::optional<std::string> result;
    asio::cancellation_signal stop;
    asio::co_spawn(io, wait_all(members, result),
                   asio::bind_cancellation_slot(stop.slot(), asio::detached));
    io.poll();
    stop.emit(asio::cancellation_type::terminal);
    io.run();
    EXPECT_EQ(finished, 2);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, "cancelled"); // the first member to finish was cancelled like the rest
}

TEST(FirstToFinish, MoreMembersThanDeclaredIsAnError)
{
    asio::io_context io;
    first_to_finish<std::string, 1> one(io.get_executor());
    (void)one.enlist();
    EXPECT_THROW((void)one.enlist(), std::logic_error);
}

TEST(FirstToFinish, MembersDestroyedUnrunFreeTheGroup)
{
    std::weak_ptr<group> watched;
    {
        asio::io_context io;
        auto members = std::make_shared<group>(io.get_executor());
        watched = members;
        int finished = 0;
        members->spawn(answer_after(10s, "never", finished), failure_text);
        io.poll();
    } // the io_context goes with its pending work, as at shutdown
    EXPECT_TRUE(watched.expired());
}

} // namespace
} // namespace websockify::net
