#include "websockify/net/read_request_head.hpp"

#include "websockify/http/request_head.hpp"
#include "websockify/net/deadline.hpp"

#include <array>

namespace websockify::net
{
namespace
{

head_read timed_out()
{
    head_read result;
    result.status = head_read::outcome::timed_out;
    return result;
}

} // namespace

template <class Stream>
awaitable<head_read> read_request_head(Stream& stream, std::size_t max_size,
                                       std::chrono::steady_clock::duration timeout)
{
    head_read result;
    std::string buffer;
    std::array<char, 4096> chunk{};
    deadline limit(stream.get_executor(), timeout);
    for (;;)
    {
        if (limit.expired())
        {
            co_return timed_out();
        }
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), limit.token());
        if (ec && limit.expired())
        {
            co_return timed_out();
        }
        if (ec)
        {
            result.status = head_read::outcome::closed;
            co_return result;
        }
        // Only the new bytes need searching, plus 2 for a terminator begun in the last read.
        const auto resume_from = buffer.size() > 2 ? buffer.size() - 2 : 0;
        buffer.append(chunk.data(), n);
        if (const auto end = http::find_head_end(buffer, resume_from))
        {
            const auto head_size = *end;
            if (head_size > max_size)
            {
                result.status = head_read::outcome::too_large;
                co_return result;
            }
            result.status = head_read::outcome::complete;
            result.rest = buffer.substr(head_size);
            buffer.resize(head_size);
            result.head = std::move(buffer);
            co_return result;
        }
        if (buffer.size() > max_size)
        {
            result.status = head_read::outcome::too_large;
            co_return result;
        }
    }
}

template awaitable<head_read> read_request_head<stream_socket>(stream_socket&, std::size_t,
                                                               std::chrono::steady_clock::duration);
template awaitable<head_read> read_request_head<tls_stream>(tls_stream&, std::size_t,
                                                            std::chrono::steady_clock::duration);

} // namespace websockify::net
