#include "websockify/net/read_proxy_header.hpp"

#include <array>
#include <chrono>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <sys/socket.h>

namespace websockify::net
{
namespace
{

using namespace std::chrono_literals;
using outcome = proxy_header_read::outcome;

/// A socket pair: the server's end reads the header, the test writes as the proxy.
class ReadProxyHeader : public testing::Test
{
protected:
    ReadProxyHeader()
    {
        std::array<int, 2> fds{};
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds.data()) != 0)
        {
            throw std::system_error(errno, std::generic_category(), "socketpair");
        }
        const asio::generic::stream_protocol protocol(AF_UNIX, 0);
        server.assign(protocol, fds[0]);
        proxy.assign(protocol, fds[1]);
    }

    void send(std::string_view bytes)
    {
        asio::write(proxy, asio::buffer(bytes.data(), bytes.size()));
    }

    void start(std::chrono::steady_clock::duration timeout = 5s)
    {
        asio::co_spawn(io, read(timeout), asio::detached);
    }

    net::awaitable<void> read(std::chrono::steady_clock::duration timeout)
    {
        result = co_await read_proxy_header(server, timeout);
    }

    /// What the server end can still read: the bytes behind the header.
    std::string remaining(std::size_t count)
    {
        std::string rest(count, '\0');
        asio::read(server, asio::buffer(rest));
        return rest;
    }

    asio::io_context io;
    stream_socket server{io};
    stream_socket proxy{io};
    std::optional<proxy_header_read> result;
};

TEST_F(ReadProxyHeader, BytesBehindTheHeaderStayInTheSocket)
{
    send("PROXY TCP4 192.0.2.1 192.0.2.2 4711 80\r\nGET / HTTP/1.1\r\n");
    start();
    io.run();
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, outcome::complete);
    EXPECT_EQ(result->header.source->port, 4711);
    EXPECT_EQ(proxy::address_text(*result->header.source), "192.0.2.1");
    EXPECT_EQ(result->bytes_read, 40U);
    EXPECT_EQ(remaining(16), "GET / HTTP/1.1\r\n");
}

TEST_F(ReadProxyHeader, HeaderArrivingInPiecesIsAssembled)
{
    const std::string v2("\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xc0\x00\x02\x01\xc6\x33\x64\x02"
                         "\x12\x67\x00\x50",
                         28);
    start();
    for (const auto& piece : {v2.substr(0, 5), v2.substr(5, 10), v2.substr(15, 12)})
    {
        send(piece);
        io.poll();
        EXPECT_FALSE(result) << "complete before its last byte";
    }
    send(v2.substr(27) + "\x16\x03\x01");
    io.run();
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, outcome::complete);
    EXPECT_EQ(result->header.version, 2U);
    EXPECT_EQ(result->header.source->port, 4711);
    EXPECT_EQ(remaining(3), "\x16\x03\x01");
}

TEST_F(ReadProxyHeader, OtherProtocolsAreInvalidAtOnce)
{
    send("GET / HTTP/1.1\r\n");
    start();
    io.run();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, outcome::invalid);
    EXPECT_EQ(result->problem, "no PROXY protocol header");
}

TEST_F(ReadProxyHeader, SilenceTimesOut)
{
    send("PROXY TCP4 ");
    start(50ms);
    io.run();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, outcome::timed_out);
}

TEST_F(ReadProxyHeader, PeerClosingMidHeaderIsClosed)
{
    send("PROXY TCP4 1.2");
    start();
    io.poll();
    proxy.close();
    io.run();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, outcome::closed);
    EXPECT_EQ(result->bytes_read, 14U);
}

} // namespace
} // namespace websockify::net
