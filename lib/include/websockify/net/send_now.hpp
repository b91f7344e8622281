#pragma once

#include "websockify/net/asio.hpp"

#include <cstddef>
#include <span>
#include <system_error>

namespace websockify::net
{

struct sent_now
{
    std::error_code ec;
    std::size_t bytes = 0; ///< may be short of the total: the socket's buffer is full
};

/// Writes as much of `buffers` as the socket takes at once (one sendmsg, MSG_DONTWAIT), without
/// an asynchronous operation. Most writes of a relay fit, and then they cost one system call
/// and no allocation; the caller finishes a short write with async_write. No SIGPIPE.
sent_now send_now(stream_socket& socket, std::span<const asio::const_buffer> buffers);

/// Writes all of `data`: at once when the socket takes it (a short response usually fits),
/// else the rest asynchronously. A TLS stream always writes asynchronously.
awaitable<std::error_code> write_all(stream_socket& socket, asio::const_buffer data);
awaitable<std::error_code> write_all(tls_stream& stream, asio::const_buffer data);

/// Drops the first `bytes` bytes of a buffer sequence kept in a contiguous container (emptied
/// buffers stay, with size 0): what is left to write after a short write.
template <class Buffers> void drop_front(Buffers& buffers, std::size_t bytes)
{
    for (auto& buffer : buffers)
    {
        const auto taken = bytes < buffer.size() ? bytes : buffer.size();
        buffer += taken;
        bytes -= taken;
    }
}

} // namespace websockify::net
