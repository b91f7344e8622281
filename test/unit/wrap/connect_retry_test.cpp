#include "websockify/net/connect_target.hpp"
#include "websockify/wrap/program_target.hpp"

#include <gtest/gtest.h>

namespace websockify::wrap
{
namespace
{

using namespace std::chrono_literals;

/// A loopback port that refuses connections: bound, then closed.
std::uint16_t refusing_port(asio::io_context& io)
{
    net::tcp::acceptor probe(io, net::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    return probe.local_endpoint().port();
}

net::awaitable<void> connect_once(const config::endpoint& target,
                                  std::chrono::milliseconds retry_window, std::error_code& error)
{
    auto connected = co_await net::connect_target(target, 2s, retry_window);
    error = connected.error();
}

/// Starts listening on `port` after `delay`, as a restarting program would.
net::awaitable<void> listen_later(std::uint16_t port, std::chrono::milliseconds delay,
                                  std::optional<net::tcp::acceptor>& acceptor)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(net::use_tuple);
    acceptor.emplace(co_await asio::this_coro::executor,
                     net::tcp::endpoint(asio::ip::address_v4::loopback(), port));
}

TEST(WrapConnectRetry, WithoutWindowRefusalIsImmediate)
{
    asio::io_context io;
    const auto target = program_target(refusing_port(io));
    std::error_code error;
    asio::co_spawn(io, connect_once(target, 0ms, error), asio::detached);
    io.run();
    EXPECT_EQ(error, asio::error::connection_refused);
}

TEST(WrapConnectRetry, WaitsForAProgramThatStartsListening)
{
    asio::io_context io;
    const auto port = refusing_port(io);
    std::optional<net::tcp::acceptor> acceptor;
    std::error_code error = asio::error::timed_out;
    asio::co_spawn(io, listen_later(port, 200ms, acceptor), asio::detached);
    // The coroutine keeps a reference to the target: it must outlive io.run().
    const auto target = program_target(port);
    asio::co_spawn(io, connect_once(target, 5'000ms, error), asio::detached);
    io.run();
    EXPECT_FALSE(error) << error.message();
}

TEST(WrapConnectRetry, GivesUpWhenTheWindowEnds)
{
    asio::io_context io;
    const auto target = program_target(refusing_port(io));
    std::error_code error;
    const auto started = std::chrono::steady_clock::now();
    asio::co_spawn(io, connect_once(target, 300ms, error), asio::detached);
    io.run();
    EXPECT_EQ(error, asio::error::connection_refused);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 2s);
}

TEST(WrapConnectRetry, LocalhostReachesIpv6OnlyListener)
{
    asio::io_context io;
    asio::error_code ec;
    net::tcp::acceptor acceptor(io);
    acceptor.open(net::tcp::v6(), ec);
    if (!ec)
    {
        acceptor.bind(net::tcp::endpoint(asio::ip::address_v6::loopback(), 0), ec);
    }
    if (ec)
    {
        GTEST_SKIP() << "no IPv6 loopback: " << ec.message();
    }
    acceptor.listen();
    std::error_code error = asio::error::timed_out;
    const auto target = program_target(acceptor.local_endpoint().port());
    asio::co_spawn(io, connect_once(target, 0ms, error), asio::detached);
    io.run();
    EXPECT_FALSE(error) << error.message();
}

TEST(WrapConnectRetry, WindowOnlyWhenWrapping)
{
    config::settings settings;
    EXPECT_EQ(connect_retry_window(settings), 0ms);
    settings.wrap.command = {"in.telnetd"};
    EXPECT_GT(connect_retry_window(settings), 0ms);
}

} // namespace
} // namespace websockify::wrap
