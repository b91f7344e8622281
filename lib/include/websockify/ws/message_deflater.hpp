#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

struct z_stream_s; // zlib's stream state, kept out of this header

namespace websockify::ws
{

/// Compresses whole messages for permessage-deflate (RFC 7692 §7.2.1): raw DEFLATE ended by a
/// sync flush whose 00 00 ff ff tail is removed. Memory: zlib's 2^(window_bits+2) +
/// 2^(mem_level+9) bytes with mem_level = window_bits - 7 (256 KiB at 15, 32 KiB at 12), plus
/// an output buffer as large as the largest compressed message. Throws std::bad_alloc when zlib
/// cannot get its memory.
class message_deflater
{
public:
    /// level: zlib 1 (fastest) .. 9 (smallest); window_bits 9..15 (the agreed
    /// server_max_window_bits, §7.1.2.1); no_context_takeover: every message starts from an
    /// empty window (server_no_context_takeover, §7.1.1.1).
    message_deflater(int level, int window_bits, bool no_context_takeover);

    /// The payload of one message frame with RSV1 set; valid until the next call. An empty
    /// message gives the single byte 00 (an empty stored block, §7.2.3.6).
    std::span<const std::byte> compress(std::span<const std::byte> message);

private:
    struct stream_deleter
    {
        void operator()(z_stream_s* stream) const noexcept;
    };

    std::unique_ptr<z_stream_s, stream_deleter> stream_;
    std::vector<std::byte> out_;
    bool no_context_takeover_ = false;
};

} // namespace websockify::ws
