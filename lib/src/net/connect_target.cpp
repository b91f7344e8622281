#include "websockify/net/connect_target.hpp"

#include "websockify/net/with_timeout.hpp"

namespace websockify::net
{

awaitable<result<tcp::socket>> connect_target(const config::endpoint& target,
                                              std::chrono::steady_clock::duration timeout)
{
    const auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto resolved =
        co_await with_timeout(resolver.async_resolve(target.host, std::to_string(target.port),
                                                     tcp::resolver::numeric_service, use_tuple),
                              timeout);
    if (!resolved)
    {
        co_return std::error_code(asio::error::timed_out);
    }
    auto [resolve_error, endpoints] = std::move(*resolved);
    if (resolve_error)
    {
        co_return resolve_error;
    }
    std::error_code last = asio::error::host_not_found;
    for (const auto& entry : endpoints)
    {
        tcp::socket socket(executor);
        auto connected =
            co_await with_timeout(socket.async_connect(entry.endpoint(), use_tuple), timeout);
        if (!connected)
        {
            last = asio::error::timed_out;
            continue;
        }
        if (auto [ec] = *connected; ec)
        {
            last = ec;
            continue;
        }
        asio::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        co_return std::move(socket);
    }
    co_return last;
}

} // namespace websockify::net
