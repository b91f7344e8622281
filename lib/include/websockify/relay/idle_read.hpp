#pragma once

#include "websockify/net/asio.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <system_error>

namespace websockify::relay
{

/// A relay direction's read buffer, held only while its stream is busy. A thousand idle
/// sessions would otherwise hold two --buffer-size blocks each (128 KiB by default) for nothing.
class read_buffer
{
public:
    /// A block of --buffer-size bytes, a size known only at run time.
    using block = std::unique_ptr<std::byte[]>; // NOLINT(modernize-avoid-c-arrays)

    explicit read_buffer(std::size_t size) : size_(size) {}
    read_buffer(const read_buffer&) = delete;
    read_buffer& operator=(const read_buffer&) = delete;
    read_buffer(read_buffer&&) = delete;
    read_buffer& operator=(read_buffer&&) = delete;
    ~read_buffer() { release(); }

    /// The block, taken from this thread's spares (or allocated) if not held.
    std::span<std::byte> get();
    /// Gives the block back to this thread's spares; the next get() may return another one.
    void release() noexcept;
    bool held() const noexcept { return block_ != nullptr; }
    std::size_t size() const noexcept { return size_; }

private:
    std::size_t size_;
    block block_;
};

struct read_result
{
    std::error_code ec;
    std::size_t bytes = 0;
};

/// Reads what is available into `buffer`. On a plain socket the buffer is given back while
/// nothing is waiting to be read, and taken again once the socket is readable; a busy stream
/// keeps it and reads without waiting. A TLS stream keeps the buffer (OpenSSL may hold
/// decrypted bytes that readiness of the socket below does not show).
net::awaitable<read_result> read_when_ready(net::stream_socket& stream, read_buffer& buffer);
net::awaitable<read_result> read_when_ready(net::tls_stream& stream, read_buffer& buffer);

} // namespace websockify::relay
