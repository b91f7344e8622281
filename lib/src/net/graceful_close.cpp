#include "websockify/net/graceful_close.hpp"

#include "websockify/net/deadline.hpp"
#include "websockify/net/with_timeout.hpp"

#include <array>

namespace websockify::net
{
namespace
{

/// Reads and drops what the peer still sends until it closes, or until `linger` has passed.
awaitable<void> discard_until_eof(stream_socket& stream, std::chrono::steady_clock::duration linger)
{
    std::array<std::byte, 4096> sink{};
    const deadline limit(stream.get_executor(), linger);
    while (!limit.expired())
    {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), limit.token());
        if (ec)
        {
            co_return;
        }
    }
}

} // namespace

awaitable<void> graceful_close(stream_socket& stream, std::chrono::steady_clock::duration linger)
{
    asio::error_code ignored;
    stream.shutdown(stream_socket::shutdown_send, ignored);
    if (ignored)
    {
        close_now(stream);
        co_return;
    }
    co_await discard_until_eof(stream, linger);
    // Our side is already shut down: close_now's shutdown(both) would only fail (ENOTCONN).
    stream.close(ignored);
}

awaitable<void> graceful_close(tls_stream& stream, std::chrono::steady_clock::duration linger)
{
    // async_shutdown sends our close_notify and waits for the peer's; a peer that never
    // answers must not hold the session, hence the limit.
    co_await with_timeout(stream.async_shutdown(use_tuple), linger);
    close_now(stream);
}

void close_now(tls_stream& stream) noexcept
{
    close_now(stream.next_layer());
}

void close_now(stream_socket& socket) noexcept
{
    asio::error_code ignored;
    socket.shutdown(stream_socket::shutdown_both, ignored);
    socket.close(ignored);
}

} // namespace websockify::net
