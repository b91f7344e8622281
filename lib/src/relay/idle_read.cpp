#include "websockify/relay/idle_read.hpp"

#include <algorithm>
#include <cerrno>
#include <sys/socket.h>
#include <utility>
#include <vector>

namespace websockify::relay
{
namespace
{

/// Blocks released by idle streams on this thread, reused by streams that wake up: a stream
/// that goes idle between every message must not cost an allocation (and maybe a trim of the
/// heap top) each time. Kept by size: the relays' --buffer-size and its grown sizes.
class spare_blocks
{
public:
    read_buffer::block take(std::size_t size)
    {
        if (auto* kept = shelf(size); kept != nullptr && !kept->empty())
        {
            auto block = std::move(kept->back());
            kept->pop_back();
            return block;
        }
        // Uninitialised on purpose: reads fill what is used.
        return std::make_unique_for_overwrite<std::byte[]>( // NOLINT(modernize-avoid-c-arrays)
            size);
    }

    void give(read_buffer::block block, std::size_t size)
    {
        auto* kept = shelf(size);
        if (kept == nullptr && shelves_.size() < max_sizes)
        {
            kept = &shelves_.emplace_back(size, std::vector<read_buffer::block>{}).second;
        }
        // Beyond the bound (or of a size with no shelf left) the block is just freed.
        if (kept != nullptr && kept->size() < std::max<std::size_t>(1, max_spare_bytes / size))
        {
            kept->push_back(std::move(block));
        }
    }

private:
    std::vector<read_buffer::block>* shelf(std::size_t size)
    {
        for (auto& [shelf_size, blocks] : shelves_)
        {
            if (shelf_size == size)
            {
                return &blocks;
            }
        }
        return nullptr;
    }

    /// Enough for the streams that alternate between busy and idle at one moment (16 blocks of
    /// the default 64 KiB); the rest is freed (and returned to the system by memory_release
    /// when a crowd leaves).
    static constexpr std::size_t max_spare_bytes = std::size_t{1} << 20U;
    /// --buffer-size and its doublings up to the growth limit.
    static constexpr std::size_t max_sizes = 4;
    std::vector<std::pair<std::size_t, std::vector<read_buffer::block>>> shelves_;
};

spare_blocks& this_thread_spares()
{
    thread_local spare_blocks spares;
    return spares;
}

/// gcc 12 miscompiles braced aggregates in coroutine bodies; build results out here.
read_result result_of(const std::error_code& ec, std::size_t bytes)
{
    read_result result;
    result.ec = ec;
    result.bytes = bytes;
    return result;
}

} // namespace

std::span<std::byte> read_buffer::get()
{
    if (!block_)
    {
        block_ = this_thread_spares().take(size_);
    }
    return {block_.get(), size_};
}

void read_buffer::release() noexcept
{
    if (block_)
    {
        try
        {
            this_thread_spares().give(std::move(block_), size_);
        }
        catch (...) // NOLINT(bugprone-empty-catch): a full spare list just frees the block
        {
        }
        block_.reset();
    }
    if (size_ != base_ && last_read_ < size_ / 2)
    {
        size_ = base_; // the burst is over: an idle stream wakes with a small block
        grow_ = false;
    }
}

void read_buffer::record_read(std::size_t bytes) noexcept
{
    last_read_ = bytes;
    filled_ = bytes == size_;
    grow_ = bytes == size_ && size_ < max_;
}

void read_buffer::prepare_for_read() noexcept
{
    if (!grow_)
    {
        return;
    }
    grow_ = false;
    const auto next = size_ > max_ / 2 ? max_ : size_ * 2;
    release(); // keeps size_: the last read filled the block
    size_ = next;
}

namespace
{

/// One recv(MSG_DONTWAIT) into the buffer; nullopt (and the block given back) if there was
/// nothing. recv rather than read_some on a socket set non-blocking: the same read, without the
/// ioctl that setting the flag costs on every new socket.
std::optional<read_result> receive_now(net::stream_socket& stream, read_buffer& buffer)
{
    const auto block = buffer.get();
    for (;;)
    {
        const auto n = ::recv(stream.native_handle(), block.data(), block.size(), MSG_DONTWAIT);
        if (n > 0)
        {
            const auto bytes = static_cast<std::size_t>(n);
            buffer.record_read(bytes);
            return result_of({}, bytes);
        }
        if (n == 0)
        {
            buffer.record_read(0);
            return result_of(asio::error::eof, 0);
        }
        if (errno == EINTR)
        {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
            buffer.release();
            return std::nullopt;
        }
        buffer.record_read(0);
        return result_of(std::error_code(errno, asio::error::get_system_category()), 0);
    }
}

} // namespace

std::optional<read_result> read_if_ready(net::stream_socket& stream, read_buffer& buffer)
{
    // A read that did not fill the block took all there was: another now would only say
    // EAGAIN, one system call for nothing per message. Waiting is safe without it: Asio
    // re-arms the socket's edge-triggered registration when the wait starts, which reports
    // bytes that came in meanwhile.
    if (!buffer.held() || !buffer.last_read_filled())
    {
        buffer.release();
        buffer.prepare_for_read();
        return std::nullopt;
    }
    buffer.prepare_for_read();
    return receive_now(stream, buffer);
}

std::optional<read_result> read_if_ready(net::tls_stream& /*stream*/, read_buffer& buffer)
{
    buffer.prepare_for_read();
    return std::nullopt; // OpenSSL may hold decrypted bytes: always read through it
}

net::awaitable<readable_wait> wait_to_read(net::stream_socket& stream, read_buffer& /*buffer*/)
{
    return stream.async_wait(net::stream_socket::wait_read, net::use_tuple);
}

net::awaitable<tls_read> wait_to_read(net::tls_stream& stream, read_buffer& buffer)
{
    return stream.async_read_some(net::as_buffer(buffer.get()), net::use_tuple);
}

std::optional<read_result> after_wait(net::stream_socket& stream, read_buffer& buffer,
                                      const readable_wait& woke)
{
    if (const auto ec = std::get<0>(woke))
    {
        return result_of(ec, 0);
    }
    return receive_now(stream, buffer); // readable: this read may not wait
}

std::optional<read_result> after_wait(net::tls_stream& /*stream*/, read_buffer& buffer,
                                      const tls_read& read)
{
    const auto [ec, n] = read;
    buffer.record_read(n);
    return result_of(ec, n);
}

namespace
{

template <class Stream>
net::awaitable<read_result> read_in_steps(Stream& stream, read_buffer& buffer)
{
    auto read = read_if_ready(stream, buffer);
    while (!read)
    {
        auto woke = co_await wait_to_read(stream, buffer);
        read = after_wait(stream, buffer, woke);
    }
    co_return *read;
}

} // namespace

net::awaitable<read_result> read_when_ready(net::stream_socket& stream, read_buffer& buffer)
{
    return read_in_steps(stream, buffer);
}

net::awaitable<read_result> read_when_ready(net::tls_stream& stream, read_buffer& buffer)
{
    return read_in_steps(stream, buffer);
}

} // namespace websockify::relay
