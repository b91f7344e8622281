#include "websockify/relay/idle_read.hpp"

#include "../support/socket_pair.hpp"

#include <array>
#include <chrono>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace websockify::relay
{
namespace
{

using test::socket_pair;

void send_text(net::stream_socket& socket, std::string_view text)
{
    asio::write(socket, asio::buffer(text.data(), text.size()));
}

TEST(ReadBuffer, AReleasedBlockIsReusedByTheNextStreamThatWakes)
{
    read_buffer first(4096);
    const auto* block = first.get().data();
    EXPECT_EQ(first.get().data(), block) << "a held block stays the same";
    first.release();
    EXPECT_FALSE(first.held());

    read_buffer second(4096);
    EXPECT_EQ(second.get().data(), block) << "the spare block is taken before allocating";
    EXPECT_EQ(second.get().size(), 4096U);
}

TEST(ReadBuffer, FullReadsDoubleTheBlockUpToTheLimit)
{
    read_buffer buffer(1024, 4096);
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 4; ++i)
    {
        buffer.prepare_for_read();
        sizes.push_back(buffer.get().size());
        buffer.record_read(buffer.get().size()); // the read filled it
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{1024, 2048, 4096, 4096}));
}

TEST(ReadBuffer, PartialReadsKeepTheSize)
{
    read_buffer buffer(1024, 4096);
    buffer.prepare_for_read();
    buffer.record_read(1000);
    buffer.prepare_for_read();
    EXPECT_EQ(buffer.get().size(), 1024U);
}

TEST(ReadBuffer, GrowthNeverTouchesTheBytesOfTheLastRead)
{
    read_buffer buffer(1024, 4096);
    buffer.get()[0] = std::byte{42};
    buffer.record_read(1024);
    // The caller still reads the last read's bytes: no growth until the next read begins.
    EXPECT_EQ(buffer.get().size(), 1024U);
    EXPECT_EQ(buffer.get()[0], std::byte{42});
}

TEST(ReadBuffer, AnIdleStreamStartsSmallAgainAfterASmallRead)
{
    read_buffer buffer(1024, 4096);
    buffer.prepare_for_read();
    buffer.record_read(1024);
    buffer.prepare_for_read();
    ASSERT_EQ(buffer.get().size(), 2048U);
    buffer.record_read(2048);
    buffer.release(); // idle right after a full read: a burst may go on, keep the size
    buffer.prepare_for_read();
    EXPECT_EQ(buffer.get().size(), 4096U);
    buffer.record_read(100);
    buffer.release(); // idle after a small read: the burst is over
    buffer.prepare_for_read();
    EXPECT_EQ(buffer.get().size(), 1024U);
}

TEST(ReadBuffer, GrowthLimitIsFourTimesUpTo256KiB)
{
    EXPECT_EQ(read_growth_limit(4096), 16384U);
    EXPECT_EQ(read_growth_limit(65536), 262144U);
    EXPECT_EQ(read_growth_limit(131072), 262144U);
    EXPECT_EQ(read_growth_limit(1U << 20U), 1U << 20U) << "a larger --buffer-size stays as is";
}

TEST(ReadBuffer, ABusyStreamsReadsGrowOverRealSockets)
{
    asio::io_context io;
    socket_pair sockets(io);
    read_buffer buffer(1024, 4096);
    const std::string burst(16384, 'x');
    send_text(sockets.peer, burst);
    std::vector<std::size_t> reads;
    auto read_all = [&]() -> net::awaitable<void>
    {
        std::size_t total = 0;
        while (total < burst.size())
        {
            const auto read = co_await read_when_ready(sockets.ours, buffer);
            total += read.bytes;
            reads.push_back(read.bytes);
        }
    };
    asio::co_spawn(io, read_all(), asio::detached);
    io.run();
    ASSERT_GE(reads.size(), 3U);
    EXPECT_EQ(reads[0], 1024U);
    EXPECT_EQ(reads[1], 2048U);
    EXPECT_EQ(reads[2], 4096U);
}

/// One socket pair, one read buffer, and the result of the last read_when_ready started.
class ReadWhenReady : public testing::Test
{
protected:
    net::awaitable<void> read_once() { result = co_await read_when_ready(sockets.ours, buffer); }

    asio::io_context io;
    socket_pair sockets{io};
    read_buffer buffer{1024};
    std::optional<read_result> result;
};

TEST_F(ReadWhenReady, HoldsNoBufferWhileWaitingAndReadsWhatArrives)
{

    send_text(sockets.peer, "abc");
    asio::co_spawn(io, read_once(), asio::detached);
    io.run();
    io.restart();
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->ec);
    ASSERT_EQ(result->bytes, 3U);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(buffer.get().data()), 3), "abc");

    // Nothing to read: the buffer goes back while the read waits for the socket.
    result.reset();
    asio::co_spawn(io, read_once(), asio::detached);
    io.poll();
    EXPECT_FALSE(result);
    EXPECT_FALSE(buffer.held());

    send_text(sockets.peer, "de");
    io.run();
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->ec);
    ASSERT_EQ(result->bytes, 2U);
    EXPECT_TRUE(buffer.held());
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(buffer.get().data()), 2), "de");
}

TEST_F(ReadWhenReady, AfterAShortReadWaitsFirstAndStillSeesBytesThatCameMeanwhile)
{
    send_text(sockets.peer, "abc");
    asio::co_spawn(io, read_once(), asio::detached);
    io.run();
    io.restart();
    ASSERT_TRUE(result);
    ASSERT_EQ(result->bytes, 3U);
    EXPECT_FALSE(buffer.last_read_filled());

    // These arrive before the next read starts. That read does not try recv first (the last
    // one was short), so only the wait's re-arming can report them.
    send_text(sockets.peer, "de");
    EXPECT_FALSE(read_if_ready(sockets.ours, buffer).has_value());
    EXPECT_FALSE(buffer.held());
    result.reset();
    asio::co_spawn(io, read_once(), asio::detached);
    io.run_for(std::chrono::seconds(5));
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->ec);
    ASSERT_EQ(result->bytes, 2U);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(buffer.get().data()), 2), "de");
}

TEST_F(ReadWhenReady, ReportsEndOfStreamAfterThePeerCloses)
{
    asio::co_spawn(io, read_once(), asio::detached);
    io.poll();
    sockets.peer.close();
    io.run();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->ec, asio::error::eof);
    EXPECT_EQ(result->bytes, 0U);
}

} // namespace
} // namespace websockify::relay
