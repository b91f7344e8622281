#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

struct z_stream_s; // zlib's stream state, kept out of this header

namespace websockify::ws
{

/// Result of message_inflater::inflate().
enum class inflate_status
{
    need_input,      ///< all input fed so far is inflated; after a message's last bytes, it is done
    output_full,     ///< `room` bytes were produced: drain them, then call again
    message_too_big, ///< the message inflates past the limit: close with 1009
    corrupt_data,    ///< not valid DEFLATE data: close with 1007
};

/// Inflates the messages of one permessage-deflate client (RFC 7692 §7.2.2), a piece at a
/// time, so a message never has to be held whole. The inflated size of a message is capped: a
/// decompression bomb is stopped once it passes the limit, after at most limit + 1 bytes of
/// output. Memory: zlib's 2^window_bits window plus about 7 KiB of state. Throws std::bad_alloc
/// when zlib cannot get its memory.
class message_inflater
{
public:
    /// window_bits 8..15 (the agreed client_max_window_bits; 8 is inflated with 9, the smallest
    /// window zlib writes raw DEFLATE with); no_context_takeover: the client empties its window
    /// after each message (§7.1.1.2); max_message_size: inflated bytes per message, 0 = no limit.
    message_inflater(int window_bits, bool no_context_takeover, std::uint64_t max_message_size);

    /// The next compressed bytes of the current message, kept by reference until inflate()
    /// returns need_input; `ends_message`: they end the message (its FIN frame).
    void feed(std::span<const std::byte> compressed, bool ends_message);

    /// Appends at most `room` (> 0) inflated bytes to `out`. After a failure every call fails
    /// the same way.
    inflate_status inflate(std::vector<std::byte>& out, std::size_t room);

private:
    struct stream_deleter
    {
        void operator()(z_stream_s* stream) const noexcept;
    };

    bool refill() noexcept;
    void finish_message();
    inflate_status fail(inflate_status why) noexcept;

    std::unique_ptr<z_stream_s, stream_deleter> stream_;
    bool no_context_takeover_ = false;
    std::uint64_t max_message_size_ = 0;
    std::span<const std::byte> input_; // fed bytes not yet handed to zlib
    bool ends_message_ = false;        // input_ holds the message's last bytes
    bool trailer_fed_ = false;         // the 00 00 ff ff tail went to zlib
    bool stream_ended_ = false;        // a final DEFLATE block ended this message early
    std::uint64_t message_size_ = 0;   // inflated bytes of the current message
    std::optional<inflate_status> failure_;
};

} // namespace websockify::ws
