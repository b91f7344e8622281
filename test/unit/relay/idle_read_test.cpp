#include "websockify/relay/idle_read.hpp"

#include <array>
#include <gtest/gtest.h>
#include <optional>
#include <sys/socket.h>

namespace websockify::relay
{
namespace
{

/// Both ends of a unix socketpair, as the relay's socket type.
struct socket_pair
{
    explicit socket_pair(asio::io_context& io) : ours(io), peer(io)
    {
        std::array<int, 2> fds{};
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds.data()) != 0)
        {
            throw std::system_error(errno, std::generic_category(), "socketpair");
        }
        const asio::generic::stream_protocol protocol(AF_UNIX, 0);
        ours.assign(protocol, fds[0]);
        peer.assign(protocol, fds[1]);
    }
    net::stream_socket ours;
    net::stream_socket peer;
};

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
