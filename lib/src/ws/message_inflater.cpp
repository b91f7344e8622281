#include "websockify/ws/message_inflater.hpp"

#include "websockify/ws/permessage_deflate.hpp"

// ZLIB_CONST makes next_in a pointer to const, so input spans need no const_cast.
#define ZLIB_CONST
#include <algorithm>
#include <array>
#include <cassert>
#include <limits>
#include <new>
#include <stdexcept>
#include <zlib.h>

namespace websockify::ws
{
namespace
{

/// RFC 7692 §7.2.2: the receiver appends the empty stored block the sender removed.
constexpr std::array<Bytef, 4> flush_tail{0x00, 0x00, 0xff, 0xff};

constexpr std::size_t max_chunk = std::numeric_limits<uInt>::max();

} // namespace

void message_inflater::stream_deleter::operator()(z_stream_s* stream) const noexcept
{
    inflateEnd(stream);
    delete stream; // NOLINT(cppcoreguidelines-owning-memory): allocated by the constructor
}

message_inflater::message_inflater(int window_bits, bool no_context_takeover,
                                   std::uint64_t max_message_size)
    : stream_(new z_stream{}), no_context_takeover_(no_context_takeover),
      max_message_size_(max_message_size)
{
    if (window_bits < min_window_bits || window_bits > max_window_bits)
    {
        throw std::invalid_argument("inflate: window bits must be 8..15");
    }
    // A peer that agreed to 8 but compresses with zlib really uses 9 (zlib has no raw 8-bit
    // deflate); a larger inflate window reads any smaller one's output.
    const int bits = std::max(window_bits, min_deflate_window_bits);
    if (inflateInit2(stream_.get(), -bits) != Z_OK)
    {
        throw std::bad_alloc();
    }
}

void message_inflater::feed(std::span<const std::byte> compressed, bool ends_message)
{
    assert(input_.empty() && stream_->avail_in == 0 && "feed only after need_input");
    // After a final DEFLATE block the rest of the message carries nothing (RFC 7692 §7.2.3.3).
    input_ = stream_ended_ ? std::span<const std::byte>() : compressed;
    ends_message_ = ends_message;
}

bool message_inflater::refill() noexcept
{
    z_stream& z = *stream_;
    if (z.avail_in != 0 || stream_ended_)
    {
        return z.avail_in != 0;
    }
    if (!input_.empty())
    {
        const auto chunk = input_.first(std::min(input_.size(), max_chunk));
        z.next_in = reinterpret_cast<const Bytef*>(chunk.data());
        z.avail_in = static_cast<uInt>(chunk.size());
        input_ = input_.subspan(chunk.size());
        return true;
    }
    if (ends_message_ && !trailer_fed_)
    {
        z.next_in = flush_tail.data();
        z.avail_in = static_cast<uInt>(flush_tail.size());
        trailer_fed_ = true;
        return true;
    }
    return false;
}

void message_inflater::finish_message()
{
    // A stream ended by a final block cannot go on; the next message starts a new one.
    if (no_context_takeover_ || stream_ended_)
    {
        inflateReset(stream_.get());
    }
    ends_message_ = false;
    trailer_fed_ = false;
    stream_ended_ = false;
    message_size_ = 0;
}

inflate_status message_inflater::fail(inflate_status why) noexcept
{
    failure_ = why;
    return why;
}

inflate_status message_inflater::inflate(std::vector<std::byte>& out, std::size_t room)
{
    if (failure_)
    {
        return *failure_;
    }
    // One byte past the limit is enough to know that the message is too big, so a bomb never
    // costs more than the limit (RFC 6455 §7.4.1 code 1009).
    std::size_t allowed = std::min(room, max_chunk);
    if (max_message_size_ != 0)
    {
        const std::uint64_t left = max_message_size_ - message_size_ + 1;
        allowed = static_cast<std::size_t>(std::min<std::uint64_t>(allowed, left));
    }
    const std::size_t start = out.size();
    out.resize(start + allowed);
    z_stream& z = *stream_;
    z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
    z.avail_out = static_cast<uInt>(allowed);

    auto status = inflate_status::need_input;
    for (;;)
    {
        const bool has_input = refill();
        const int rc = ::inflate(&z, Z_SYNC_FLUSH);
        if (rc == Z_STREAM_END)
        {
            stream_ended_ = true;
            z.avail_in = 0;
            input_ = {};
        }
        else if (rc == Z_MEM_ERROR)
        {
            throw std::bad_alloc();
        }
        else if (rc != Z_OK && !(rc == Z_BUF_ERROR && (!has_input || z.avail_out == 0)))
        {
            status = fail(inflate_status::corrupt_data);
            break;
        }
        if (z.avail_out == 0)
        {
            status = inflate_status::output_full;
            break;
        }
        if (z.avail_in == 0 && !refill())
        {
            break;
        }
    }
    const std::size_t produced = allowed - z.avail_out;
    out.resize(start + produced);
    message_size_ += produced;
    if (max_message_size_ != 0 && message_size_ > max_message_size_)
    {
        return fail(inflate_status::message_too_big);
    }
    if (status == inflate_status::need_input && ends_message_ && (trailer_fed_ || stream_ended_))
    {
        finish_message();
    }
    return status;
}

} // namespace websockify::ws
