#include "websockify/ws/message_deflater.hpp"

#include "websockify/ws/permessage_deflate.hpp"

// ZLIB_CONST makes next_in a pointer to const, so input spans need no const_cast.
#define ZLIB_CONST
#include <algorithm>
#include <cassert>
#include <limits>
#include <new>
#include <stdexcept>
#include <zlib.h>

namespace websockify::ws
{
namespace
{

/// RFC 7692 §7.2.1: a sync flush ends with an empty stored block, 00 00 ff ff, which the
/// sender removes and the receiver appends again.
constexpr std::size_t flush_tail_size = 4;
/// zlib's memLevel follows the window, so --compress-max-window-bits is the one memory knob:
/// 8 (zlib's default) at window 15, down to 2 at window 9.
constexpr int mem_level_for(int window_bits) noexcept
{
    return std::clamp(window_bits - 7, 1, 8);
}

constexpr std::size_t max_chunk = std::numeric_limits<uInt>::max();

} // namespace

void message_deflater::stream_deleter::operator()(z_stream_s* stream) const noexcept
{
    deflateEnd(stream);
    delete stream; // NOLINT(cppcoreguidelines-owning-memory): allocated by the constructor
}

message_deflater::message_deflater(int level, int window_bits, bool no_context_takeover)
    : stream_(new z_stream{}), no_context_takeover_(no_context_takeover)
{
    if (window_bits < min_deflate_window_bits || window_bits > max_window_bits || level < 0 ||
        level > 9)
    {
        // deflateEnd on a stream that was never initialised is harmless (Z_STREAM_ERROR).
        throw std::invalid_argument("deflate: window bits must be 9..15 and level 0..9");
    }
    // A negative windowBits asks zlib for raw DEFLATE, without the zlib header and checksum.
    const int status = deflateInit2(stream_.get(), level, Z_DEFLATED, -window_bits,
                                    mem_level_for(window_bits), Z_DEFAULT_STRATEGY);
    if (status != Z_OK)
    {
        throw std::bad_alloc();
    }
}

std::span<const std::byte> message_deflater::compress(std::span<const std::byte> message)
{
    if (message.empty())
    {
        // zlib refuses a second sync flush without new input (Z_BUF_ERROR, no output); an
        // empty stored block header is what a flush would have left after the tail's removal.
        out_.assign(1, std::byte{0});
        return out_;
    }
    z_stream& z = *stream_;
    if (out_.size() < message.size() / 2 + 64)
    {
        out_.resize(message.size() / 2 + 64);
    }
    std::size_t produced = 0;
    std::span<const std::byte> rest = message;
    for (;;)
    {
        if (z.avail_in == 0 && !rest.empty())
        {
            const auto chunk = rest.first(std::min(rest.size(), max_chunk));
            z.next_in = reinterpret_cast<const Bytef*>(chunk.data());
            z.avail_in = static_cast<uInt>(chunk.size());
            rest = rest.subspan(chunk.size());
        }
        if (produced == out_.size())
        {
            out_.resize(out_.size() * 2);
        }
        z.next_out = reinterpret_cast<Bytef*>(out_.data() + produced);
        z.avail_out = static_cast<uInt>(std::min(out_.size() - produced, max_chunk));
        const uInt offered = z.avail_out;
        const int flush = rest.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        const int status = deflate(&z, flush);
        // Z_BUF_ERROR only says no progress was possible; the loop condition decides.
        if (status != Z_OK && status != Z_BUF_ERROR)
        {
            throw std::logic_error("deflate: stream state corrupted");
        }
        produced += offered - z.avail_out;
        // The flush is complete once zlib stops with room to spare (zlib manual, deflate()).
        if (flush == Z_SYNC_FLUSH && z.avail_in == 0 && z.avail_out != 0)
        {
            break;
        }
    }
    assert(produced >= flush_tail_size && "a sync flush ends with 00 00 ff ff");
    if (no_context_takeover_)
    {
        deflateReset(&z);
    }
    return std::span<const std::byte>(out_).first(produced - flush_tail_size);
}

} // namespace websockify::ws
