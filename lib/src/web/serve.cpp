#include "websockify/web/serve.hpp"

#include "websockify/web/prepare_response.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace websockify::web
{
namespace
{

/// Sends `range` of `file` in chunk_size steps; false when the client or the file gave out.
template <class Stream>
net::awaitable<bool> send_file(Stream& stream, const file_source& file, byte_range range)
{
    std::vector<std::byte> chunk(chunk_size);
    auto offset = range.first;
    auto remaining = range.length();
    while (remaining > 0)
    {
        const auto wanted =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining, chunk_size));
        const auto read = file.read_at(offset, std::span(chunk).first(wanted));
        // A file that shrank since it was opened cannot fill the promised Content-Length;
        // closing the connection early is how HTTP/1.1 tells the client (RFC 9112 §6.3).
        if (!read || *read == 0)
        {
            co_return false;
        }
        auto [ec, n] =
            co_await asio::async_write(stream, asio::buffer(chunk.data(), *read), net::use_tuple);
        if (ec)
        {
            co_return false;
        }
        offset += n;
        remaining -= n;
    }
    co_return true;
}

} // namespace

template <class Stream>
net::awaitable<int> serve(Stream& stream, const http::request_head& request, const options& opts)
{
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto answer = prepare_response(request, opts, now);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(answer.head), net::use_tuple);
    if (!ec && answer.file)
    {
        co_await send_file(stream, *answer.file, answer.body);
    }
    co_return answer.status;
}

template net::awaitable<int> serve<net::stream_socket>(net::stream_socket&,
                                                       const http::request_head&, const options&);
template net::awaitable<int> serve<net::tls_stream>(net::tls_stream&, const http::request_head&,
                                                    const options&);

} // namespace websockify::web
