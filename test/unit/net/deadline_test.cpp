#include "websockify/net/deadline.hpp"

#include "../support/socket_pair.hpp"

#include <array>
#include <chrono>
#include <gtest/gtest.h>
#include <optional>
#include <sys/socket.h>

namespace websockify::net
{
namespace
{

using namespace std::chrono_literals;

using test::socket_pair;

struct outcome
{
    std::error_code ec;
    std::size_t bytes = 0;
    bool expired = false;
};

awaitable<void> read_with_limit(stream_socket& socket, std::chrono::milliseconds limit,
                                std::optional<outcome>& result)
{
    std::array<char, 16> data{};
    const deadline time_limit(socket.get_executor(), limit);
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(data), time_limit.token());
    outcome got;
    got.ec = ec;
    got.bytes = n;
    got.expired = time_limit.expired();
    result = got;
}

TEST(Deadline, CutsAnOperationThatTakesTooLong)
{
    asio::io_context io;
    socket_pair pair(io);
    std::optional<outcome> result;
    const auto started = std::chrono::steady_clock::now();
    asio::co_spawn(io, read_with_limit(pair.ours, 20ms, result), asio::detached);
    io.run_for(5s);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(result->ec, asio::error::operation_aborted);
    EXPECT_TRUE(result->expired);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
}

TEST(Deadline, LeavesAnOperationThatFinishesInTime)
{
    asio::io_context io;
    socket_pair pair(io);
    asio::write(pair.peer, asio::buffer("hi", 2));
    std::optional<outcome> result;
    asio::co_spawn(io, read_with_limit(pair.ours, 10s, result), asio::detached);
    const auto started = std::chrono::steady_clock::now();
    io.run_for(5s);
    ASSERT_TRUE(result.has_value());
    EXPECT_FALSE(result->ec);
    EXPECT_EQ(result->bytes, 2U);
    EXPECT_FALSE(result->expired);
    // Done at once: the cancelled timer does not hold the io_context for 10 s.
    EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
}

TEST(Deadline, AnExpiryAfterTheOperationEndedTouchesNothingGone)
{
    asio::io_context io;
    {
        const deadline limit(io.get_executor(), 1ms);
    } // destroyed before its expiry ran
    io.run_for(50ms);
    SUCCEED(); // under ASan this would report a use after free
}

} // namespace
} // namespace websockify::net
