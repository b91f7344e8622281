#include "websockify/relay/idle_read.hpp"

#include <vector>

namespace websockify::relay
{
namespace
{

/// Blocks released by idle streams on this thread, reused by streams that wake up: a stream
/// that goes idle between every message must not cost an allocation (and maybe a trim of the
/// heap top) each time. Only blocks of one size are kept, the relays' --buffer-size.
class spare_blocks
{
public:
    read_buffer::block take(std::size_t size)
    {
        if (size == block_size_ && !blocks_.empty())
        {
            auto block = std::move(blocks_.back());
            blocks_.pop_back();
            return block;
        }
        // Uninitialised on purpose: reads fill what is used.
        return std::make_unique_for_overwrite<std::byte[]>( // NOLINT(modernize-avoid-c-arrays)
            size);
    }

    void give(read_buffer::block block, std::size_t size)
    {
        if (blocks_.empty())
        {
            block_size_ = size;
        }
        // A block of another size (a session whose first read was larger) is just freed.
        if (size == block_size_ && blocks_.size() < max_spares)
        {
            blocks_.push_back(std::move(block));
        }
    }

private:
    /// Enough for the streams that alternate between busy and idle at one moment; the rest is
    /// freed (and returned to the system by memory_release when a crowd leaves).
    static constexpr std::size_t max_spares = 16;
    std::size_t block_size_ = 0;
    std::vector<read_buffer::block> blocks_;
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

bool would_block(const std::error_code& ec)
{
    return ec == asio::error::would_block || ec == asio::error::try_again;
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
}

net::awaitable<read_result> read_when_ready(net::stream_socket& stream, read_buffer& buffer)
{
    if (!stream.non_blocking())
    {
        // Only synchronous calls see this flag: they return would_block instead of waiting.
        stream.non_blocking(true);
    }
    for (;;)
    {
        if (buffer.held())
        {
            std::error_code ec;
            const auto n = stream.read_some(net::as_buffer(buffer.get()), ec);
            if (!would_block(ec))
            {
                co_return result_of(ec, n);
            }
            buffer.release();
        }
        auto [ec] = co_await stream.async_wait(net::stream_socket::wait_read, net::use_tuple);
        if (ec)
        {
            co_return result_of(ec, 0);
        }
        (void)buffer.get();
    }
}

net::awaitable<read_result> read_when_ready(net::tls_stream& stream, read_buffer& buffer)
{
    auto [ec, n] = co_await stream.async_read_some(net::as_buffer(buffer.get()), net::use_tuple);
    co_return result_of(ec, n);
}

} // namespace websockify::relay
