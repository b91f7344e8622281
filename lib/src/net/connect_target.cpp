#include "websockify/net/connect_target.hpp"

#include "websockify/net/deadline.hpp"
#include "websockify/net/with_timeout.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace websockify::net
{
namespace
{

using namespace std::chrono_literals;
using std::chrono::steady_clock;

/// Pauses between refused connects in a retry window: quick at first, since a restarting
/// program usually listens within a few milliseconds.
constexpr std::chrono::milliseconds first_retry_pause{20};
constexpr std::chrono::milliseconds longest_retry_pause{250};

bool is_localhost(std::string_view host)
{
    constexpr std::string_view localhost = "localhost";
    return std::equal(
        host.begin(), host.end(), localhost.begin(), localhost.end(),
        [](char a, char b)
        { return std::tolower(static_cast<unsigned char>(a)) == static_cast<unsigned char>(b); });
}

std::vector<tcp::endpoint> loopback_endpoints(std::uint16_t port)
{
    return {tcp::endpoint(asio::ip::address_v4::loopback(), port),
            tcp::endpoint(asio::ip::address_v6::loopback(), port)};
}

/// One pass over the addresses; those `allowed` rejects are skipped.
awaitable<result<stream_socket>> connect_any(const std::vector<tcp::endpoint>& endpoints,
                                             steady_clock::duration timeout,
                                             const endpoint_filter* allowed)
{
    const auto executor = co_await asio::this_coro::executor;
    std::error_code last = asio::error::host_not_found;
    bool refused = false;
    for (const auto& endpoint : endpoints)
    {
        if (allowed != nullptr && !(*allowed)(endpoint))
        {
            continue;
        }
        tcp::socket socket(executor);
        const deadline limit(executor, timeout);
        auto [ec] = co_await socket.async_connect(endpoint, limit.token());
        if (ec && limit.expired())
        {
            last = asio::error::timed_out;
            continue;
        }
        if (ec)
        {
            last = ec;
            refused = refused || ec == asio::error::connection_refused;
            continue;
        }
        asio::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        co_return stream_socket(std::move(socket));
    }
    co_return refused ? std::error_code(asio::error::connection_refused) : last;
}

} // namespace

awaitable<result<std::vector<tcp::endpoint>>> resolve_target(const config::endpoint& target,
                                                             steady_clock::duration timeout)
{
    if (is_localhost(target.host))
    {
        co_return loopback_endpoints(target.port);
    }
    // An address literal needs no lookup. Asio's resolver would still hand it to
    // getaddrinfo on its own thread and back: two thread switches on every connection.
    asio::error_code not_literal;
    const auto literal = asio::ip::make_address(target.host, not_literal);
    if (!not_literal)
    {
        std::vector<tcp::endpoint> exact(1, tcp::endpoint(literal, target.port));
        co_return exact;
    }
    tcp::resolver resolver(co_await asio::this_coro::executor);
    auto resolved =
        co_await with_timeout(resolver.async_resolve(target.host, std::to_string(target.port),
                                                     tcp::resolver::numeric_service, use_tuple),
                              timeout);
    if (!resolved)
    {
        co_return std::error_code(asio::error::timed_out);
    }
    auto [resolve_error, entries] = std::move(*resolved);
    if (resolve_error)
    {
        co_return resolve_error;
    }
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : entries)
    {
        endpoints.push_back(entry.endpoint());
    }
    co_return endpoints;
}

awaitable<result<stream_socket>> connect_target(const config::endpoint& target,
                                                steady_clock::duration timeout,
                                                steady_clock::duration retry_window,
                                                const endpoint_filter* allowed)
{
    auto endpoints = co_await resolve_target(target, timeout);
    if (!endpoints)
    {
        co_return endpoints.error();
    }
    const auto give_up = steady_clock::now() + retry_window;
    asio::steady_timer pause(co_await asio::this_coro::executor);
    std::chrono::milliseconds next_pause = first_retry_pause;
    for (;;)
    {
        auto connected = co_await connect_any(*endpoints, timeout, allowed);
        const auto now = steady_clock::now();
        if (connected || connected.error() != asio::error::connection_refused || now >= give_up)
        {
            co_return std::move(connected);
        }
        pause.expires_after(std::min<steady_clock::duration>(next_pause, give_up - now));
        if (auto [ec] = co_await pause.async_wait(use_tuple); ec)
        {
            co_return std::move(connected);
        }
        next_pause = std::min(next_pause * 2, longest_retry_pause);
    }
}

} // namespace websockify::net
