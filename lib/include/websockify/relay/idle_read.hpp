#pragma once

#include "websockify/net/asio.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <tuple>

namespace websockify::relay
{

/// A relay direction's read buffer, held only while its stream is busy. A thousand idle
/// sessions would otherwise hold two --buffer-size blocks each (128 KiB by default) for nothing.
/// It grows while a stream is busy: a read that fills the block doubles the next one, up to
/// `max_size`, so a bulk stream needs fewer reads (and writes, and frames); when the stream goes
/// idle after a read that used less than half of a grown block, it starts small again.
class read_buffer
{
public:
    /// A block of --buffer-size bytes (or more, grown), a size known only at run time.
    using block = std::unique_ptr<std::byte[]>; // NOLINT(modernize-avoid-c-arrays)

    explicit read_buffer(std::size_t size, std::size_t max_size = 0)
        : base_(size), size_(size), max_(max_size > size ? max_size : size)
    {
    }
    read_buffer(const read_buffer&) = delete;
    read_buffer& operator=(const read_buffer&) = delete;
    read_buffer(read_buffer&&) = delete;
    read_buffer& operator=(read_buffer&&) = delete;
    ~read_buffer() { release(); }

    /// The block, taken from this thread's spares (or allocated) if not held.
    std::span<std::byte> get();
    /// Gives the block back to this thread's spares; the next get() may return another one.
    /// A grown block whose last read used less than half of it is followed by a base-size one.
    void release() noexcept;
    bool held() const noexcept { return block_ != nullptr; }
    std::size_t size() const noexcept { return size_; }

    /// After each read, with its byte count: a full block asks for a larger one next time.
    void record_read(std::size_t bytes) noexcept;
    /// Whether the last read filled the block: then more may be waiting in the socket.
    bool last_read_filled() const noexcept { return filled_; }
    /// Before each read (never while the caller still uses the last read's bytes): applies a
    /// growth that record_read() asked for.
    void prepare_for_read() noexcept;

private:
    std::size_t base_;
    std::size_t size_;
    std::size_t max_;
    std::size_t last_read_ = 0;
    bool filled_ = false;
    bool grow_ = false;
    block block_;
};

/// How far a busy stream's reads grow from --buffer-size `base`: four times it, but not past
/// 256 KiB (a larger --buffer-size is used as it is): beyond that a busy stream would hold more
/// memory for little gain (docs/performance.md has the measurements).
constexpr std::size_t read_growth_limit(std::size_t base) noexcept
{
    constexpr std::size_t ceiling = std::size_t{256} << 10U;
    const std::size_t grown = base * 4 < ceiling ? base * 4 : ceiling;
    return grown > base ? grown : base;
}

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

/// read_when_ready in steps, for a caller that keeps no coroutine frame of its own for it (the
/// relay's pumps: an idle session waits here, so every frame counts per session):
///
///     auto read = read_if_ready(stream, buffer);
///     while (!read)
///     {
///         auto woke = co_await wait_to_read(stream, buffer);
///         read = after_wait(stream, buffer, woke);
///     }
///
/// read_if_ready starts a read: its bytes if they could be read without waiting, else nullopt.
std::optional<read_result> read_if_ready(net::stream_socket& stream, read_buffer& buffer);
std::optional<read_result> read_if_ready(net::tls_stream& stream, read_buffer& buffer);

/// Waits until the plain socket is readable; a TLS stream reads instead.
using readable_wait = std::tuple<std::error_code>;
using tls_read = std::tuple<std::error_code, std::size_t>;
net::awaitable<readable_wait> wait_to_read(net::stream_socket& stream, read_buffer& buffer);
net::awaitable<tls_read> wait_to_read(net::tls_stream& stream, read_buffer& buffer);

/// The read after the wait: nullopt when a readable socket had nothing after all (wait again).
std::optional<read_result> after_wait(net::stream_socket& stream, read_buffer& buffer,
                                      const readable_wait& woke);
std::optional<read_result> after_wait(net::tls_stream& stream, read_buffer& buffer,
                                      const tls_read& read);

} // namespace websockify::relay
