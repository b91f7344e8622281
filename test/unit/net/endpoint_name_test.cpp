#include "websockify/net/endpoint_name.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace websockify::net
{
namespace
{

/// A connected pair through `acceptor`: the accepted end, as the server sees it.
stream_socket accept_one(asio::io_context& io, stream_acceptor& acceptor,
                         stream_socket::endpoint_type where, stream_socket& client)
{
    client = stream_socket(io);
    client.connect(where);
    return acceptor.accept();
}

TEST(EndpointName, Ipv4ClientOfDualStackListenerShownAsIpv4)
{
    asio::io_context io;
    tcp::acceptor tcp_acceptor(io);
    asio::error_code ec;
    tcp_acceptor.open(tcp::v6(), ec);
    if (ec)
    {
        GTEST_SKIP() << "no IPv6 on this host";
    }
    tcp_acceptor.set_option(asio::ip::v6_only(false));
    tcp_acceptor.bind(tcp::endpoint(tcp::v6(), 0));
    tcp_acceptor.listen();
    stream_acceptor acceptor(std::move(tcp_acceptor));
    const auto port = name_listener(acceptor).port;
    ASSERT_NE(port, 0);

    stream_socket client(io);
    const auto server =
        accept_one(io, acceptor, tcp::endpoint(asio::ip::address_v4::loopback(), port), client);
    const auto peer = name_peer(server);
    EXPECT_EQ(peer.address, "127.0.0.1");
    EXPECT_EQ(peer.port, as_tcp(client.local_endpoint())->port());
}

TEST(EndpointName, UnixClientNamedByListeningPath)
{
    asio::io_context io;
    const std::string path = testing::TempDir() + "endpoint_name_" + std::to_string(::getpid());
    ::unlink(path.c_str());
    using local = asio::local::stream_protocol;
    stream_acceptor acceptor(local::acceptor(io, local::endpoint(path)));
    EXPECT_EQ(name_listener(acceptor).unix_path, path);
    EXPECT_EQ(name_listener(acceptor).port, 0);

    stream_socket client(io);
    const auto server = accept_one(io, acceptor, local::endpoint(path), client);
    EXPECT_EQ(name_peer(server).address, "unix:" + path);
    EXPECT_FALSE(as_tcp(server.local_endpoint()));
    ::unlink(path.c_str());
}

} // namespace
} // namespace websockify::net
