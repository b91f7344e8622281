#include "websockify/net/send_now.hpp"

#include "../support/socket_pair.hpp"

#include <array>
#include <gtest/gtest.h>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace websockify::net
{
namespace
{

using test::socket_pair;

std::string read_available(stream_socket& socket, std::size_t size)
{
    std::string got(size, '\0');
    asio::read(socket, asio::buffer(got));
    return got;
}

TEST(SendNow, GathersEveryBufferInOneWrite)
{
    asio::io_context io;
    socket_pair pair(io);
    const std::string header = "HD";
    const std::string payload = "payload";
    const std::array<asio::const_buffer, 2> frame{asio::buffer(header), asio::buffer(payload)};
    const auto sent = send_now(pair.ours, frame);
    EXPECT_FALSE(sent.ec);
    EXPECT_EQ(sent.bytes, header.size() + payload.size());
    EXPECT_EQ(read_available(pair.peer, sent.bytes), "HDpayload");
}

TEST(SendNow, AFullSocketTakesPartOrNothingWithoutWaiting)
{
    asio::io_context io;
    socket_pair pair(io);
    const std::vector<char> block(1 << 20, 'x');
    std::size_t total = 0;
    for (int i = 0; i < 64; ++i)
    {
        const std::array<asio::const_buffer, 1> one{asio::buffer(block)};
        const auto sent = send_now(pair.ours, one);
        ASSERT_FALSE(sent.ec);
        total += sent.bytes;
        if (sent.bytes < block.size())
        {
            break; // short: the peer's buffer is full, and we were not blocked
        }
    }
    EXPECT_LT(total, block.size() * 64);
    const std::array<asio::const_buffer, 1> more{asio::buffer(block)};
    EXPECT_EQ(send_now(pair.ours, more).bytes, 0U);
}

TEST(SendNow, AClosedPeerIsAnErrorNotASignal)
{
    asio::io_context io;
    socket_pair pair(io);
    pair.peer.close();
    const std::string data = "lost";
    const std::array<asio::const_buffer, 1> one{asio::buffer(data)};
    const auto sent = send_now(pair.ours, one);
    EXPECT_EQ(sent.ec, std::error_code(EPIPE, asio::error::get_system_category()));
    EXPECT_EQ(sent.bytes, 0U);
}

TEST(SendNow, ManySlicesBeyondTheInlineArray)
{
    asio::io_context io;
    socket_pair pair(io);
    const std::string letters = "abcdefghijklmnopqrstuvwxyz";
    std::vector<asio::const_buffer> slices;
    for (std::size_t i = 0; i < letters.size(); ++i)
    {
        slices.emplace_back(letters.data() + i, 1);
    }
    const auto sent = send_now(pair.ours, slices);
    EXPECT_EQ(sent.bytes, letters.size());
    EXPECT_EQ(read_available(pair.peer, letters.size()), letters);
}

TEST(DropFront, LeavesWhatAShortWriteDidNotTake)
{
    const std::string header = "HD";
    const std::string payload = "payload";
    std::array<asio::const_buffer, 2> frame{asio::buffer(header), asio::buffer(payload)};
    drop_front(frame, 4);
    EXPECT_EQ(frame[0].size(), 0U);
    ASSERT_EQ(frame[1].size(), 5U);
    EXPECT_EQ(std::string(static_cast<const char*>(frame[1].data()), 5), "yload");
    drop_front(frame, 5);
    EXPECT_EQ(asio::buffer_size(frame), 0U);
}

} // namespace
} // namespace websockify::net
