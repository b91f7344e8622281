// Fuzzes the incremental WebSocket frame decoder (ws/frame_decoder.hpp).
//
// Input: byte 0 chooses the decoder options (bit 0 require_mask, bit 1 validate_text_utf8,
// bits 2-4 max_message_size, bit 7 the mode), byte 1 how the stream is split into reads, and the
// rest is either
//  - raw mode: the byte stream a client sends, or
//  - generated mode: choices (via FuzzedDataProvider) of valid messages and control frames, which
//    are encoded with encode_frame_header + apply_mask and must all be decoded back unchanged.
//
// Properties checked besides "no crash":
//  - every event consumes at most its input; need_more consumes all of it; data and control
//    events consume something; a data payload is the tail of what was consumed; after failed,
//    every call fails with consumed 0;
//  - what is decoded (whole messages, control frames, the failure) does not depend on the split;
//  - complete text messages are valid UTF-8, messages respect max_message_size, and close
//    payloads are empty or a valid code plus a UTF-8 reason;
//  - re-encoding what was decoded, one frame per message, decodes to the same;
//  - generated valid frames decode to exactly what was generated, never a failure.

#include "fuzz_support.hpp"
#include "websockify/codec/utf8.hpp"
#include "websockify/ws/frame.hpp"
#include "websockify/ws/frame_decoder.hpp"

#include <array>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>
#include <vector>

namespace
{

using namespace websockify;
using websockify::fuzz::chunk_sizes;

/// A whole data message or a control frame, as the decoder reported it.
struct decoded_item
{
    ws::opcode type = ws::opcode::binary;
    std::vector<std::byte> payload;
    bool operator==(const decoded_item&) const = default;
};

/// Everything a decoder reported for one stream, independent of how the stream was split.
struct transcript
{
    std::vector<decoded_item> items;
    bool failed = false;
    ws::close_code failure = ws::close_code::protocol_error;
    std::string_view failure_reason;
    bool operator==(const transcript&) const = default;
};

bool within(std::span<const std::byte> inner, std::span<const std::byte> outer)
{
    // Compared as addresses within one array (the chunk), which is what the decoder promises.
    return inner.data() >= outer.data() &&
           inner.data() + inner.size() <= outer.data() + outer.size();
}

void check_control(const ws::frame_event& event)
{
    FUZZ_REQUIRE(event.payload.size() <= ws::max_control_payload);
    FUZZ_REQUIRE(event.control_type == ws::opcode::ping || event.control_type == ws::opcode::pong ||
                 event.control_type == ws::opcode::close);
    if (event.control_type == ws::opcode::close && !event.payload.empty())
    {
        const auto info = ws::parse_close_payload(event.payload);
        FUZZ_REQUIRE(event.payload.size() >= 2);
        FUZZ_REQUIRE(ws::is_valid_wire_close_code(info.code));
        FUZZ_REQUIRE(codec::is_valid_utf8(event.payload.subspan(2)));
    }
}

/// Feeds one read to the decoder until it asks for more, recording what it reports.
void feed(ws::frame_decoder& decoder, std::span<std::byte> chunk, transcript& out,
          std::vector<std::byte>& message)
{
    for (;;)
    {
        const auto event = decoder.next(chunk);
        FUZZ_REQUIRE(event.consumed <= chunk.size());
        switch (event.kind)
        {
        case ws::frame_event_kind::need_more:
            FUZZ_REQUIRE(event.consumed == chunk.size());
            return;
        case ws::frame_event_kind::failed:
        {
            FUZZ_REQUIRE(decoder.failed());
            out.failed = true;
            out.failure = event.failure;
            out.failure_reason = event.failure_reason;
            const auto again = decoder.next(chunk.subspan(event.consumed));
            FUZZ_REQUIRE(again.kind == ws::frame_event_kind::failed && again.consumed == 0);
            FUZZ_REQUIRE(again.failure == event.failure);
            return;
        }
        case ws::frame_event_kind::data:
            FUZZ_REQUIRE(event.consumed > 0);
            FUZZ_REQUIRE(within(event.payload, chunk.first(event.consumed)));
            FUZZ_REQUIRE(event.payload.data() + event.payload.size() ==
                         chunk.data() + event.consumed);
            FUZZ_REQUIRE(event.message_type == ws::opcode::text ||
                         event.message_type == ws::opcode::binary);
            message.insert(message.end(), event.payload.begin(), event.payload.end());
            if (event.message_complete)
            {
                out.items.push_back({event.message_type, std::move(message)});
                message.clear();
            }
            break;
        case ws::frame_event_kind::control:
            FUZZ_REQUIRE(event.consumed > 0);
            check_control(event);
            out.items.push_back({event.control_type, {event.payload.begin(), event.payload.end()}});
            break;
        }
        chunk = chunk.subspan(event.consumed);
    }
}

transcript decode(std::span<const std::byte> stream, ws::decoder_options options,
                  std::uint8_t split_pattern)
{
    // The decoder unmasks in place, so it gets a copy.
    std::vector<std::byte> buffer(stream.begin(), stream.end());
    ws::frame_decoder decoder(options);
    chunk_sizes sizes(split_pattern);
    transcript out;
    std::vector<std::byte> message;
    std::span<std::byte> rest(buffer);
    while (!rest.empty() && !out.failed)
    {
        const auto chunk = rest.first(sizes.next(rest.size()));
        rest = rest.subspan(chunk.size());
        feed(decoder, chunk, out, message);
    }
    return out;
}

void append_frame(std::vector<std::byte>& stream, ws::opcode op, std::span<const std::byte> payload,
                  bool fin, std::optional<ws::mask_key> mask)
{
    std::array<std::byte, ws::max_frame_header_size> header{};
    const auto header_size = ws::encode_frame_header(header, op, payload.size(), fin, mask);
    stream.insert(stream.end(), header.begin(),
                  header.begin() + static_cast<std::ptrdiff_t>(header_size));
    const auto start = stream.size();
    stream.insert(stream.end(), payload.begin(), payload.end());
    if (mask)
    {
        ws::apply_mask(std::span(stream).subspan(start), *mask, 0);
    }
}

void check_items(const transcript& t, ws::decoder_options options)
{
    for (const auto& item : t.items)
    {
        if (item.type == ws::opcode::text && options.validate_text_utf8)
        {
            FUZZ_REQUIRE(codec::is_valid_utf8(item.payload));
        }
        if (!ws::is_control(item.type) && options.max_message_size != 0)
        {
            FUZZ_REQUIRE(item.payload.size() <= options.max_message_size);
        }
    }
}

/// What was accepted, re-encoded one frame per item, must be accepted again unchanged.
void check_reencoded(const transcript& t, ws::decoder_options options, ws::mask_key mask)
{
    std::vector<std::byte> stream;
    for (const auto& item : t.items)
    {
        append_frame(stream, item.type, item.payload, true, mask);
    }
    const auto again = decode(stream, options, 0);
    FUZZ_REQUIRE(!again.failed);
    FUZZ_REQUIRE(again.items == t.items);
}

void run_raw(std::span<const std::byte> stream, ws::decoder_options options, std::uint8_t split)
{
    const auto whole = decode(stream, options, 0);
    FUZZ_REQUIRE(decode(stream, options, split) == whole);
    check_items(whole, options);
    const ws::mask_key mask{std::byte{0x37}, std::byte{0xfa}, std::byte{0x21}, std::byte{0x3d}};
    check_reencoded(whole, options, mask);
}

/// Up to max bytes of the input, as many as the input chooses.
std::vector<std::byte> consume_bytes(FuzzedDataProvider& choices, std::size_t max)
{
    return choices.ConsumeBytes<std::byte>(choices.ConsumeIntegralInRange<std::size_t>(0, max));
}

std::vector<std::byte> consume_payload(FuzzedDataProvider& choices, std::size_t max_small)
{
    // Mostly small payloads from the input; sometimes a long one filled with a repeated byte, so
    // that 16- and 64-bit lengths occur without megabytes of input. 64-bit ones are rare: at
    // 64 KiB each, fed in small reads, they would slow every run down.
    const auto length_kind = choices.ConsumeIntegralInRange(0, 63);
    if (length_kind <= 8)
    {
        const auto size = length_kind == 0
                              ? choices.ConsumeIntegralInRange<std::size_t>(65'536, 65'600)
                              : choices.ConsumeIntegralInRange<std::size_t>(126, 2'000);
        return std::vector<std::byte>(size, std::byte{choices.ConsumeIntegral<std::uint8_t>()});
    }
    return consume_bytes(choices, max_small);
}

std::optional<ws::mask_key> consume_mask(FuzzedDataProvider& choices, bool required)
{
    if (!required && choices.ConsumeBool())
    {
        return std::nullopt;
    }
    ws::mask_key key{};
    for (auto& b : key)
    {
        b = std::byte{choices.ConsumeIntegral<std::uint8_t>()};
    }
    return key;
}

std::vector<std::byte> consume_control_payload(FuzzedDataProvider& choices, ws::opcode op)
{
    if (op != ws::opcode::close)
    {
        return consume_bytes(choices, ws::max_control_payload);
    }
    static constexpr std::array<std::uint16_t, 8> codes{1000, 1001, 1002, 1003,
                                                        1007, 1011, 3000, 4999};
    const auto code = codes[choices.ConsumeIntegralInRange<std::size_t>(0, codes.size() - 1)];
    auto reason = choices.ConsumeBytesAsString(choices.ConsumeIntegralInRange<std::size_t>(0, 123));
    if (!codec::is_valid_utf8(reason))
    {
        reason.clear();
    }
    return ws::make_close_payload(code, reason);
}

void run_generated(FuzzedDataProvider& choices, ws::decoder_options options, std::uint8_t split)
{
    static constexpr std::array<ws::opcode, 3> controls{ws::opcode::ping, ws::opcode::pong,
                                                        ws::opcode::close};
    transcript expected;
    std::vector<std::byte> stream;
    while (choices.remaining_bytes() > 0 && expected.items.size() < 16)
    {
        const auto kind = choices.ConsumeIntegralInRange(0, 4);
        if (kind >= 2)
        {
            const auto op = controls[static_cast<std::size_t>(kind - 2)];
            auto payload = consume_control_payload(choices, op);
            append_frame(stream, op, payload, true, consume_mask(choices, options.require_mask));
            expected.items.push_back({op, std::move(payload)});
            continue;
        }
        auto type = kind == 0 ? ws::opcode::text : ws::opcode::binary;
        auto payload = consume_payload(choices, 300);
        if (options.max_message_size != 0 && payload.size() > options.max_message_size)
        {
            payload.resize(static_cast<std::size_t>(options.max_message_size));
        }
        if (type == ws::opcode::text && options.validate_text_utf8 &&
            !codec::is_valid_utf8(payload))
        {
            type = ws::opcode::binary;
        }
        // Fragments at arbitrary cuts (even inside a UTF-8 sequence), with pings between them.
        std::span<const std::byte> rest(payload);
        auto op = type;
        for (;;)
        {
            const auto cut = choices.ConsumeIntegralInRange<std::size_t>(0, rest.size());
            const bool last = cut == rest.size() || choices.remaining_bytes() == 0;
            const auto fragment = last ? rest : rest.first(cut);
            append_frame(stream, op, fragment, last, consume_mask(choices, options.require_mask));
            if (last)
            {
                break;
            }
            rest = rest.subspan(cut);
            op = ws::opcode::continuation;
            if (choices.ConsumeBool())
            {
                append_frame(stream, ws::opcode::ping, {}, true,
                             consume_mask(choices, options.require_mask));
                expected.items.push_back({ws::opcode::ping, {}});
            }
        }
        expected.items.push_back({type, std::move(payload)});
    }
    FUZZ_REQUIRE(decode(stream, options, split) == expected);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
    {
        return 0;
    }
    static constexpr std::array<std::uint64_t, 8> max_sizes{0,   0,      1,      125,
                                                            126, 65'535, 65'536, 1 << 20};
    const auto flags = data[0];
    const ws::decoder_options options{
        .max_message_size = max_sizes[(flags >> 2U) & 7U],
        .require_mask = (flags & 1U) != 0,
        .validate_text_utf8 = (flags & 2U) != 0,
    };
    const std::uint8_t split = data[1];
    if ((flags & 0x80U) != 0)
    {
        FuzzedDataProvider choices(data + 2, size - 2);
        run_generated(choices, options, split);
    }
    else
    {
        run_raw(websockify::fuzz::as_bytes(data + 2, size - 2), options, split);
    }
    return 0;
}
