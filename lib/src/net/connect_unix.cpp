#include "websockify/net/connect_unix.hpp"

#include "websockify/net/with_timeout.hpp"

namespace websockify::net
{

awaitable<result<stream_socket>> connect_unix(const std::string& path,
                                              std::chrono::steady_clock::duration timeout)
{
    using local = asio::local::stream_protocol;
    local::socket socket(co_await asio::this_coro::executor);
    auto connected =
        co_await with_timeout(socket.async_connect(local::endpoint(path), use_tuple), timeout);
    if (!connected)
    {
        co_return std::error_code(asio::error::timed_out);
    }
    if (auto [ec] = *connected; ec)
    {
        co_return ec;
    }
    co_return stream_socket(std::move(socket));
}

} // namespace websockify::net
