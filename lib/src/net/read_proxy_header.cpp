#include "websockify/net/read_proxy_header.hpp"

#include "websockify/net/with_timeout.hpp"

#include <vector>

namespace websockify::net
{
namespace
{

/// Bytes peeked at a time: a whole v1 line or a v2 header with its TLVs in the usual case.
constexpr std::size_t peek_size = 512;

proxy_header_read failed(proxy_header_read::outcome why, std::size_t bytes_read)
{
    proxy_header_read result;
    result.status = why;
    result.bytes_read = bytes_read;
    return result;
}

awaitable<proxy_header_read> read_until_header_end(stream_socket& socket)
{
    std::vector<std::byte> received;
    for (;;)
    {
        // Peek, so that bytes behind the header stay in the socket for the TLS/HTTP sniff;
        // then consume what the parser has shown to be header. On need_more every peeked byte
        // is header, and consuming them makes the next peek wait for new data, not spin.
        const auto have = received.size();
        received.resize(have + peek_size);
        auto peek_into = asio::buffer(received.data() + have, peek_size);
        auto [peek_ec, peeked] =
            co_await socket.async_receive(peek_into, stream_socket::message_peek, use_tuple);
        if (peek_ec || peeked == 0)
        {
            co_return failed(proxy_header_read::outcome::closed, have);
        }
        received.resize(have + peeked);
        const auto parsed = proxy::parse_header(received);
        if (parsed.state == proxy::parse_result::status::invalid)
        {
            auto result = failed(proxy_header_read::outcome::invalid, received.size());
            result.problem = parsed.problem;
            co_return result;
        }
        const bool done = parsed.state == proxy::parse_result::status::complete;
        const auto take = done ? parsed.size - have : peeked;
        auto consume_into = asio::buffer(received.data() + have, take);
        auto [read_ec, consumed] = co_await asio::async_read(socket, consume_into, use_tuple);
        if (read_ec)
        {
            co_return failed(proxy_header_read::outcome::closed, have + consumed);
        }
        if (done)
        {
            proxy_header_read result;
            result.status = proxy_header_read::outcome::complete;
            result.header = parsed.parsed;
            result.bytes_read = parsed.size;
            co_return result;
        }
    }
}

} // namespace

awaitable<proxy_header_read> read_proxy_header(stream_socket& socket,
                                               std::chrono::steady_clock::duration timeout)
{
    auto read = co_await with_timeout(read_until_header_end(socket), timeout);
    if (!read)
    {
        co_return failed(proxy_header_read::outcome::timed_out, 0);
    }
    co_return std::move(*read);
}

} // namespace websockify::net
