// Fuzzes the incremental Hixie-75/76 frame decoder (ws/hixie.hpp, hixie_decoder), which reads
// what --hixie clients send after the handshake.
//
// Input: byte 0 chooses max_frame_size, byte 1 how the stream is split into reads, the rest is
// the stream.
//
// Properties checked besides "no crash":
//  - every event consumes at most its input; need_more consumes all of it; a data payload lies
//    in what was consumed, right before the frame's closing 0xFF if it ended; after close or
//    failed, every call repeats it with consumed 0;
//  - the frames, the close and the failure do not depend on the split, and frames respect
//    max_frame_size;
//  - re-encoding the frames with encode_hixie_frame (and the close) decodes to the same.

#include "fuzz_support.hpp"
#include "websockify/ws/hixie.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace
{

using namespace websockify;
using websockify::fuzz::chunk_sizes;

struct transcript
{
    std::vector<std::vector<std::byte>> frames; ///< payloads of the text frames completed
    bool closed = false;
    std::error_code failure;
    bool operator==(const transcript&) const = default;
};

/// Feeds one read until the decoder asks for more; false once it has closed or failed.
bool feed(ws::hixie_decoder& decoder, std::span<const std::byte> chunk, transcript& out,
          std::vector<std::byte>& frame)
{
    for (;;)
    {
        const auto event = decoder.next(chunk);
        FUZZ_REQUIRE(event.consumed <= chunk.size());
        switch (event.kind)
        {
        case ws::hixie_event_kind::need_more:
            FUZZ_REQUIRE(event.consumed == chunk.size());
            return true;
        case ws::hixie_event_kind::data:
        {
            FUZZ_REQUIRE(event.consumed > 0);
            const auto* const payload_end =
                chunk.data() + event.consumed - (event.frame_complete ? 1 : 0);
            FUZZ_REQUIRE(event.payload.data() >= chunk.data());
            FUZZ_REQUIRE(event.payload.data() + event.payload.size() == payload_end);
            frame.insert(frame.end(), event.payload.begin(), event.payload.end());
            if (event.frame_complete)
            {
                out.frames.push_back(std::move(frame));
                frame.clear();
            }
            break;
        }
        case ws::hixie_event_kind::close:
        {
            FUZZ_REQUIRE(decoder.closed());
            out.closed = true;
            const auto again = decoder.next(chunk.subspan(event.consumed));
            FUZZ_REQUIRE(again.kind == ws::hixie_event_kind::close && again.consumed == 0);
            return false;
        }
        case ws::hixie_event_kind::failed:
        {
            FUZZ_REQUIRE(decoder.failed() && event.failure);
            out.failure = event.failure;
            const auto again = decoder.next(chunk.subspan(event.consumed));
            FUZZ_REQUIRE(again.kind == ws::hixie_event_kind::failed && again.consumed == 0);
            FUZZ_REQUIRE(again.failure == event.failure);
            return false;
        }
        }
        chunk = chunk.subspan(event.consumed);
    }
}

transcript decode(std::span<const std::byte> stream, ws::hixie_decoder_options options,
                  std::uint8_t split_pattern)
{
    ws::hixie_decoder decoder(options);
    chunk_sizes sizes(split_pattern);
    transcript out;
    std::vector<std::byte> frame;
    while (!stream.empty())
    {
        const auto chunk = stream.first(sizes.next(stream.size()));
        stream = stream.subspan(chunk.size());
        if (!feed(decoder, chunk, out, frame))
        {
            break;
        }
    }
    return out;
}

void check_reencoded(const transcript& t, ws::hixie_decoder_options options)
{
    std::vector<std::byte> stream;
    for (const auto& payload : t.frames)
    {
        std::vector<std::byte> frame(ws::hixie_frame_size(payload.size()));
        FUZZ_REQUIRE(ws::encode_hixie_frame(frame, payload) == frame.size());
        stream.insert(stream.end(), frame.begin(), frame.end());
    }
    if (t.closed)
    {
        stream.insert(stream.end(), ws::hixie_close_frame.begin(), ws::hixie_close_frame.end());
    }
    const auto again = decode(stream, options, 0);
    FUZZ_REQUIRE(!again.failure && again.frames == t.frames && again.closed == t.closed);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
    {
        return 0;
    }
    static constexpr std::array<std::size_t, 8> max_sizes{0, 0, 0, 1, 2, 16, 125, 4096};
    const ws::hixie_decoder_options options{.max_frame_size = max_sizes[data[0] & 7U]};
    const auto stream = websockify::fuzz::as_bytes(data + 2, size - 2);
    const auto whole = decode(stream, options, 0);
    FUZZ_REQUIRE(decode(stream, options, data[1]) == whole);
    for (const auto& frame : whole.frames)
    {
        FUZZ_REQUIRE(options.max_frame_size == 0 || frame.size() <= options.max_frame_size);
    }
    check_reencoded(whole, options);
    return 0;
}
