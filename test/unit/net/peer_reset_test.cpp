#include "websockify/net/peer_reset.hpp"

#include <array>
#include <chrono>
#include <gtest/gtest.h>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace websockify::net
{
namespace
{

/// A connected TCP pair on loopback, both as the relay's socket type.
struct tcp_pair
{
    explicit tcp_pair(asio::io_context& io) : ours(io), peer(io)
    {
        asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
        asio::ip::tcp::socket client(io);
        client.connect(acceptor.local_endpoint());
        auto accepted = acceptor.accept();
        const asio::generic::stream_protocol tcp(AF_INET, IPPROTO_TCP);
        ours.assign(tcp, client.release());
        peer.assign(tcp, accepted.release());
    }
    stream_socket ours;
    stream_socket peer;
};

/// Reads until the connection ends; the error that ended it.
asio::error_code read_to_end(stream_socket& socket)
{
    std::array<char, 256> sink{};
    asio::error_code ec;
    while (!ec)
    {
        socket.read_some(asio::buffer(sink), ec);
    }
    return ec;
}

TEST(EndedByReset, AFinIsNotAReset)
{
    asio::io_context io;
    tcp_pair pair(io);
    pair.peer.close();
    EXPECT_EQ(read_to_end(pair.ours), asio::error::eof);
    EXPECT_FALSE(ended_by_reset(pair.ours));
}

TEST(EndedByReset, AResetIsSeenEvenAfterAnotherCallTookItsError)
{
    asio::io_context io;
    tcp_pair pair(io);
    const linger abort_on_close{1, 0};
    ASSERT_EQ(::setsockopt(pair.peer.native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close,
                           sizeof(abort_on_close)),
              0);
    pair.peer.close();
    // The first call gets ECONNRESET (here a write, as in the relay's other direction)...
    asio::error_code ec;
    std::array<char, 1> byte{};
    while (!ec)
    {
        asio::write(pair.ours, asio::buffer(byte), ec);
    }
    // ...and the read after it sees only EOF.
    EXPECT_EQ(read_to_end(pair.ours), asio::error::eof);
    EXPECT_TRUE(ended_by_reset(pair.ours));
}

TEST(EndedByReset, UnixSocketsHaveNoTcpState)
{
    asio::io_context io;
    std::array<int, 2> fds{};
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds.data()), 0);
    stream_socket ours(io, asio::generic::stream_protocol(AF_UNIX, 0), fds[0]);
    ::close(fds[1]);
    EXPECT_EQ(read_to_end(ours), asio::error::eof);
    EXPECT_FALSE(ended_by_reset(ours));
}

/// Closes `socket` with a reset (RST) instead of a FIN.
void reset(stream_socket& socket)
{
    const linger abort_on_close{1, 0};
    ASSERT_EQ(::setsockopt(socket.native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close,
                           sizeof(abort_on_close)),
              0);
    socket.close();
}

/// Runs `io` until `done` holds, for at most a few seconds.
template <class Condition> void run_until(asio::io_context& io, Condition done)
{
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < give_up)
    {
        io.run_for(std::chrono::milliseconds(10));
    }
}

TEST(WaitForReset, AResetIsReported)
{
    asio::io_context io;
    tcp_pair pair(io);
    std::optional<bool> reported;
    async_wait_for_reset(pair.ours, [&](bool was_reset) { reported = was_reset; });
    io.poll();
    EXPECT_FALSE(reported.has_value());
    reset(pair.peer);
    run_until(io, [&] { return reported.has_value(); });
    EXPECT_EQ(reported, true);
}

TEST(WaitForReset, HalfCloseAndUrgentDataAreNotResetsAndCancelIsFalse)
{
    asio::io_context io;
    tcp_pair pair(io);
    asio::cancellation_signal stop;
    std::optional<bool> reported;
    async_wait_for_reset(pair.ours, asio::bind_cancellation_slot(stop.slot(), [&](bool was_reset)
                                                                 { reported = was_reset; }));
    const char urgent = '!';
    ASSERT_EQ(::send(pair.peer.native_handle(), &urgent, 1, MSG_OOB), 1);
    pair.peer.shutdown(stream_socket::shutdown_send);
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(reported.has_value());
    stop.emit(asio::cancellation_type::terminal);
    run_until(io, [&] { return reported.has_value(); });
    EXPECT_EQ(reported, false);
}

} // namespace
} // namespace websockify::net
