#include "websockify/ws/frame_decoder.hpp"

#include "../support/bytes.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <random>
#include <string_view>
#include <vector>

namespace websockify::ws
{
namespace
{

using test::byte_vector;
using test::bytes;
using test::text;

byte_vector concat(std::initializer_list<byte_vector> parts)
{
    byte_vector out;
    for (const auto& part : parts)
    {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

const mask_key rfc_key{std::byte{0x37}, std::byte{0xfa}, std::byte{0x21}, std::byte{0x3d}};

/// A client frame: header from the encoder under test, then the payload masked with key.
byte_vector client_frame(opcode op, const byte_vector& payload, bool fin = true,
                         std::optional<mask_key> key = rfc_key)
{
    std::array<std::byte, max_frame_header_size> head{};
    const std::size_t n = encode_frame_header(head, op, payload.size(), fin, key);
    byte_vector frame(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
    const auto body_start = frame.size();
    frame.insert(frame.end(), payload.begin(), payload.end());
    if (key)
    {
        apply_mask(std::span(frame).subspan(body_start), *key, 0);
    }
    return frame;
}

/// What a relay would see: whole messages, control frames, a failure, or an unfinished message.
struct record
{
    enum class kind
    {
        message,
        control,
        failure,
        partial_message,
    };
    kind what = kind::message;
    opcode type = opcode::binary;
    byte_vector payload{};
    close_code failure = close_code::protocol_error;

    bool operator==(const record&) const = default;
};

void PrintTo(const record& r, std::ostream* os)
{
    constexpr std::array<const char*, 4> names{"message", "control", "failure", "partial"};
    *os << names.at(static_cast<std::size_t>(r.what)) << " type " << static_cast<int>(r.type)
        << " failure " << static_cast<int>(r.failure) << " payload(" << r.payload.size() << ")";
}

record message(opcode type, byte_vector payload)
{
    return {.what = record::kind::message, .type = type, .payload = std::move(payload)};
}

record control(opcode type, byte_vector payload)
{
    return {.what = record::kind::control, .type = type, .payload = std::move(payload)};
}

record failure(close_code code)
{
    return {.what = record::kind::failure, .failure = code};
}

enum class chunking
{
    whole,
    byte_by_byte,
    random,
};

/// Feeds stream to a fresh decoder in the given chunking, checks the event contract on every
/// call, and reassembles what the relay would see.
std::vector<record> decode(const byte_vector& stream, decoder_options options, chunking how,
                           unsigned seed = 0)
{
    frame_decoder decoder(options);
    std::mt19937 rng(seed);
    std::vector<record> out;
    std::optional<record> current;
    std::size_t pos = 0;
    while (pos < stream.size())
    {
        std::size_t n = stream.size() - pos;
        if (how == chunking::byte_by_byte)
        {
            n = 1;
        }
        else if (how == chunking::random)
        {
            n = std::min<std::size_t>(n, 1 + rng() % 23);
        }
        // Each chunk lives in its own buffer, as a read into a socket buffer would.
        byte_vector chunk(stream.begin() + static_cast<std::ptrdiff_t>(pos),
                          stream.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
        std::span<std::byte> rest(chunk);
        for (;;)
        {
            const frame_event event = decoder.next(rest);
            EXPECT_LE(event.consumed, rest.size());
            if (event.kind == frame_event_kind::need_more)
            {
                EXPECT_EQ(event.consumed, rest.size());
                break;
            }
            if (event.kind == frame_event_kind::failed)
            {
                EXPECT_FALSE(event.failure_reason.empty());
                out.push_back(failure(event.failure));
                const frame_event again = decoder.next(rest.subspan(event.consumed));
                EXPECT_EQ(again.kind, frame_event_kind::failed);
                EXPECT_EQ(again.consumed, 0U);
                EXPECT_EQ(again.failure, event.failure);
                EXPECT_TRUE(decoder.failed());
                return out;
            }
            EXPECT_GT(event.consumed, 0U);
            if (event.kind == frame_event_kind::data)
            {
                EXPECT_TRUE(!event.payload.empty() || event.message_complete);
                // The payload is unmasked in place, inside the part of the input just consumed.
                EXPECT_GE(event.payload.data(), rest.data());
                EXPECT_LE(event.payload.data() + event.payload.size(),
                          rest.data() + event.consumed);
                if (!current)
                {
                    current =
                        record{.what = record::kind::partial_message, .type = event.message_type};
                }
                EXPECT_EQ(current->type, event.message_type);
                current->payload.insert(current->payload.end(), event.payload.begin(),
                                        event.payload.end());
                if (event.message_complete)
                {
                    current->what = record::kind::message;
                    out.push_back(std::move(*current));
                    current.reset();
                }
            }
            else
            {
                EXPECT_LE(event.payload.size(), max_control_payload);
                out.push_back(control(event.control_type,
                                      byte_vector(event.payload.begin(), event.payload.end())));
            }
            rest = rest.subspan(event.consumed);
        }
    }
    if (current)
    {
        out.push_back(std::move(*current));
    }
    return out;
}

/// Decodes whole, byte by byte and in random chunks (fixed seeds); all must agree.
std::vector<record> decode_all_ways(const byte_vector& stream, decoder_options options = {})
{
    auto whole = decode(stream, options, chunking::whole);
    EXPECT_EQ(decode(stream, options, chunking::byte_by_byte), whole) << "byte by byte";
    for (unsigned seed = 1; seed <= 3; ++seed)
    {
        EXPECT_EQ(decode(stream, options, chunking::random, seed), whole) << "seed " << seed;
    }
    return whole;
}

constexpr decoder_options unmasked_allowed{.require_mask = false};

// RFC 6455 §5.7 examples.

TEST(FrameDecoder, DecodesRfcUnmaskedTextHello)
{
    EXPECT_EQ(decode_all_ways(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), unmasked_allowed),
              std::vector{message(opcode::text, text("Hello"))});
}

TEST(FrameDecoder, DecodesRfcMaskedTextHello)
{
    EXPECT_EQ(
        decode_all_ways(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})),
        std::vector{message(opcode::text, text("Hello"))});
}

TEST(FrameDecoder, DecodesRfcFragmentedText)
{
    EXPECT_EQ(decode_all_ways(bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}),
                              unmasked_allowed),
              std::vector{message(opcode::text, text("Hello"))});
}

TEST(FrameDecoder, DecodesRfcPingAndMaskedPong)
{
    const auto stream =
        concat({bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}),
                bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})});
    EXPECT_EQ(
        decode_all_ways(stream, unmasked_allowed),
        (std::vector{control(opcode::ping, text("Hello")), control(opcode::pong, text("Hello"))}));
}

TEST(FrameDecoder, DecodesRfcBinary256And65536)
{
    byte_vector small(256);
    byte_vector large(65536);
    for (std::size_t i = 0; i < large.size(); ++i)
    {
        large[i] = static_cast<std::byte>(i * 13);
        if (i < small.size())
        {
            small[i] = static_cast<std::byte>(255 - i);
        }
    }
    const auto stream =
        concat({bytes({0x82, 0x7E, 0x01, 0x00}), small,
                bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}), large});
    EXPECT_EQ(decode_all_ways(stream, unmasked_allowed),
              (std::vector{message(opcode::binary, small), message(opcode::binary, large)}));
}

TEST(FrameDecoder, DecodesLengthBoundaries)
{
    for (const std::size_t size :
         std::initializer_list<std::size_t>{0, 1, 125, 126, 127, 65535, 65536, 65537})
    {
        byte_vector payload(size);
        for (std::size_t i = 0; i < size; ++i)
        {
            payload[i] = static_cast<std::byte>(i % 251);
        }
        EXPECT_EQ(decode_all_ways(client_frame(opcode::binary, payload)),
                  std::vector{message(opcode::binary, payload)})
            << size;
    }
}

TEST(FrameDecoder, RoundTripsRandomTraffic)
{
    // Random messages, fragmented at random, with control frames between the fragments.
    std::mt19937 rng(20240601);
    byte_vector stream;
    std::vector<record> expected;
    for (int m = 0; m < 60; ++m)
    {
        const bool is_text = rng() % 2 == 0;
        const std::size_t size = rng() % 3 == 0 ? rng() % 70000 : rng() % 300;
        byte_vector payload(size);
        for (auto& b : payload)
        {
            // Text stays ASCII so that any fragmentation keeps it valid.
            b = static_cast<std::byte>(is_text ? 0x20 + rng() % 0x5F : rng() % 256);
        }
        const opcode type = is_text ? opcode::text : opcode::binary;
        std::size_t sent = 0;
        bool first = true;
        do
        {
            const std::size_t n =
                std::min<std::size_t>(size - sent, rng() % 3 == 0 ? size : rng() % 500);
            const bool fin = sent + n == size;
            const byte_vector part(payload.begin() + static_cast<std::ptrdiff_t>(sent),
                                   payload.begin() + static_cast<std::ptrdiff_t>(sent + n));
            mask_key key{};
            for (auto& k : key)
            {
                k = static_cast<std::byte>(rng());
            }
            stream =
                concat({stream, client_frame(first ? type : opcode::continuation, part, fin, key)});
            first = false;
            sent += n;
            if (!fin && rng() % 4 == 0)
            {
                const byte_vector ping(rng() % 126, std::byte{0x55});
                stream = concat({stream, client_frame(opcode::ping, ping, true, key)});
                expected.push_back(control(opcode::ping, ping));
            }
        } while (sent < size);
        expected.push_back(message(type, payload));
    }
    EXPECT_EQ(decode_all_ways(stream), expected);
}

TEST(FrameDecoder, DeliversPingInterleavedInFragmentedMessage)
{
    const auto stream = concat({client_frame(opcode::text, text("Hel"), false),
                                client_frame(opcode::ping, text("are you there")),
                                client_frame(opcode::continuation, text("lo"), false),
                                client_frame(opcode::pong, {}),
                                client_frame(opcode::continuation, text(", world"))});
    EXPECT_EQ(decode_all_ways(stream),
              (std::vector{control(opcode::ping, text("are you there")), control(opcode::pong, {}),
                           message(opcode::text, text("Hello, world"))}));
}

TEST(FrameDecoder, DeliversEmptyMessagesOnce)
{
    const auto stream = concat({client_frame(opcode::binary, {}), client_frame(opcode::text, {}),
                                client_frame(opcode::binary, text("ab"), false),
                                client_frame(opcode::continuation, {}, false),
                                client_frame(opcode::continuation, {})});
    EXPECT_EQ(decode_all_ways(stream),
              (std::vector{message(opcode::binary, {}), message(opcode::text, {}),
                           message(opcode::binary, text("ab"))}));

    // A final empty continuation still gets its one (empty) completing data event.
    auto input = concat({client_frame(opcode::binary, text("ab"), false),
                         client_frame(opcode::continuation, {}, false),
                         client_frame(opcode::continuation, {})});
    frame_decoder decoder;
    std::span<std::byte> rest(input);
    auto event = decoder.next(rest);
    ASSERT_EQ(event.kind, frame_event_kind::data);
    EXPECT_EQ(event.payload.size(), 2U);
    EXPECT_FALSE(event.message_complete);
    rest = rest.subspan(event.consumed);
    event = decoder.next(rest);
    ASSERT_EQ(event.kind, frame_event_kind::data);
    EXPECT_TRUE(event.payload.empty());
    EXPECT_TRUE(event.message_complete);
    EXPECT_EQ(event.consumed, rest.size());
}

TEST(FrameDecoder, DeliversPartialFramesAsBytesArrive)
{
    auto frame = client_frame(opcode::binary, text("0123456789"));
    frame_decoder decoder;

    // Header split: the first byte is buffered and reported as need_more.
    auto event = decoder.next(std::span(frame).first(1));
    EXPECT_EQ(event.kind, frame_event_kind::need_more);
    EXPECT_EQ(event.consumed, 1U);

    // The rest of the header plus three payload bytes: a data event with those three.
    auto second = std::span(frame).subspan(1, 8);
    event = decoder.next(second);
    ASSERT_EQ(event.kind, frame_event_kind::data);
    EXPECT_EQ(event.consumed, 8U);
    EXPECT_EQ(byte_vector(event.payload.begin(), event.payload.end()), text("012"));
    EXPECT_EQ(event.payload.data(), second.data() + 5);
    EXPECT_EQ(event.message_type, opcode::binary);
    EXPECT_FALSE(event.message_complete);

    auto last = std::span(frame).subspan(9);
    event = decoder.next(last);
    ASSERT_EQ(event.kind, frame_event_kind::data);
    EXPECT_EQ(byte_vector(event.payload.begin(), event.payload.end()), text("3456789"));
    EXPECT_TRUE(event.message_complete);

    event = decoder.next(last.subspan(event.consumed));
    EXPECT_EQ(event.kind, frame_event_kind::need_more);
    EXPECT_EQ(event.consumed, 0U);
}

TEST(FrameDecoder, ReportsOneEventPerCallForFramesInOneInput)
{
    auto input =
        concat({client_frame(opcode::binary, text("a")), client_frame(opcode::ping, text("p")),
                client_frame(opcode::text, text("b"))});
    frame_decoder decoder;
    std::span<std::byte> rest(input);
    std::vector<frame_event_kind> kinds;
    for (;;)
    {
        const auto event = decoder.next(rest);
        kinds.push_back(event.kind);
        rest = rest.subspan(event.consumed);
        if (event.kind == frame_event_kind::need_more)
        {
            break;
        }
    }
    EXPECT_EQ(kinds, (std::vector{frame_event_kind::data, frame_event_kind::control,
                                  frame_event_kind::data, frame_event_kind::need_more}));
    EXPECT_TRUE(rest.empty());
}

TEST(FrameDecoder, EmptyInputIsNeedMore)
{
    frame_decoder decoder;
    const auto event = decoder.next({});
    EXPECT_EQ(event.kind, frame_event_kind::need_more);
    EXPECT_EQ(event.consumed, 0U);
}

TEST(FrameDecoder, DeliversCloseFrames)
{
    const auto stream =
        concat({client_frame(opcode::close, make_close_payload(1000, "bye")),
                client_frame(opcode::close, {}),
                client_frame(opcode::close, make_close_payload(4000, "\xE2\x82\xAC"))});
    EXPECT_EQ(decode_all_ways(stream),
              (std::vector{control(opcode::close, make_close_payload(1000, "bye")),
                           control(opcode::close, {}),
                           control(opcode::close, make_close_payload(4000, "\xE2\x82\xAC"))}));
}

TEST(FrameDecoder, AcceptsMaxSizeControlFrames)
{
    const byte_vector ping(max_control_payload, std::byte{0x42});
    EXPECT_EQ(decode_all_ways(client_frame(opcode::ping, ping)),
              std::vector{control(opcode::ping, ping)});
}

TEST(FrameDecoder, AcceptsUnmaskedFramesWhenMaskNotRequired)
{
    const auto stream = concat({client_frame(opcode::binary, text("x"), true, std::nullopt),
                                client_frame(opcode::binary, text("y"))});
    EXPECT_EQ(
        decode_all_ways(stream, unmasked_allowed),
        (std::vector{message(opcode::binary, text("x")), message(opcode::binary, text("y"))}));
}

TEST(FrameDecoder, AcceptsCodePointSplitAcrossFragments)
{
    const auto stream = concat({client_frame(opcode::text, bytes({'a', 0xF0, 0x9F}), false),
                                client_frame(opcode::continuation, bytes({0x98}), false),
                                client_frame(opcode::continuation, bytes({0x80, 'b'}))});
    EXPECT_EQ(decode_all_ways(stream),
              std::vector{message(opcode::text, bytes({'a', 0xF0, 0x9F, 0x98, 0x80, 'b'}))});
}

TEST(FrameDecoder, AcceptsMessageOfExactlyMaxSize)
{
    const decoder_options limited{.max_message_size = 10};
    const auto stream = concat({client_frame(opcode::binary, text("01234"), false),
                                client_frame(opcode::ping, text("not counted")),
                                client_frame(opcode::continuation, text("56789")),
                                client_frame(opcode::binary, text("0123456789"))});
    EXPECT_EQ(decode_all_ways(stream, limited),
              (std::vector{control(opcode::ping, text("not counted")),
                           message(opcode::binary, text("0123456789")),
                           message(opcode::binary, text("0123456789"))}));
}

TEST(FrameDecoder, PassesInvalidTextWhenValidationDisabled)
{
    const decoder_options unchecked{.validate_text_utf8 = false};
    EXPECT_EQ(decode_all_ways(client_frame(opcode::text, bytes({0xC0, 0x80, 0xE2})), unchecked),
              std::vector{message(opcode::text, bytes({0xC0, 0x80, 0xE2}))});
}

// Failures: each fails the connection with the RFC 6455 §7.4.1 code, and stays failed.

std::vector<record> failing_with(close_code code, std::vector<record> before = {})
{
    before.push_back(failure(code));
    return before;
}

TEST(FrameDecoder, RejectsReservedBits)
{
    for (const int rsv : {0x40, 0x20, 0x10, 0x70})
    {
        auto frame = client_frame(opcode::binary, text("abc"));
        frame[0] |= static_cast<std::byte>(rsv);
        EXPECT_EQ(decode_all_ways(frame), failing_with(close_code::protocol_error)) << rsv;
    }
}

TEST(FrameDecoder, RejectsReservedOpcodes)
{
    for (const int op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    {
        auto frame = concat(
            {client_frame(opcode::binary, text("ok")), client_frame(opcode::binary, text("abc"))});
        frame[8] = static_cast<std::byte>(0x80 | op);
        EXPECT_EQ(decode_all_ways(frame),
                  failing_with(close_code::protocol_error, {message(opcode::binary, text("ok"))}))
            << op;
    }
}

TEST(FrameDecoder, RejectsFragmentedControlFrame)
{
    for (const opcode op : {opcode::ping, opcode::pong, opcode::close})
    {
        EXPECT_EQ(decode_all_ways(client_frame(op, {}, false)),
                  failing_with(close_code::protocol_error));
    }
}

TEST(FrameDecoder, RejectsControlFrameOver125Bytes)
{
    for (const opcode op : {opcode::ping, opcode::pong, opcode::close})
    {
        const byte_vector payload(126, std::byte{'x'});
        EXPECT_EQ(decode_all_ways(client_frame(op, payload)),
                  failing_with(close_code::protocol_error));
    }
    // Caught from the first two bytes, before the extended length arrives.
    frame_decoder decoder;
    auto head = bytes({0x89, 0xFE});
    EXPECT_EQ(decoder.next(head).kind, frame_event_kind::failed);
}

TEST(FrameDecoder, RejectsUnmaskedClientFrame)
{
    const auto stream = concat({client_frame(opcode::binary, text("masked")),
                                client_frame(opcode::binary, text("plain"), true, std::nullopt)});
    EXPECT_EQ(decode_all_ways(stream),
              failing_with(close_code::protocol_error, {message(opcode::binary, text("masked"))}));
    EXPECT_EQ(decode_all_ways(client_frame(opcode::ping, {}, true, std::nullopt)),
              failing_with(close_code::protocol_error));
}

TEST(FrameDecoder, RejectsContinuationWithoutMessage)
{
    EXPECT_EQ(decode_all_ways(client_frame(opcode::continuation, text("x"))),
              failing_with(close_code::protocol_error));
    const auto after_message = concat(
        {client_frame(opcode::text, text("done")), client_frame(opcode::continuation, text("x"))});
    EXPECT_EQ(decode_all_ways(after_message),
              failing_with(close_code::protocol_error, {message(opcode::text, text("done"))}));
}

TEST(FrameDecoder, RejectsNewMessageInsideFragmentedMessage)
{
    for (const opcode op : {opcode::text, opcode::binary})
    {
        const auto stream = concat(
            {client_frame(opcode::binary, text("part"), false), client_frame(op, text("new"))});
        const auto records = decode_all_ways(stream);
        ASSERT_FALSE(records.empty());
        EXPECT_EQ(records.back(), failure(close_code::protocol_error));
    }
}

TEST(FrameDecoder, Rejects64BitLengthWithTopBitSet)
{
    auto stream = bytes({0x82, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 1, 2, 3, 4});
    EXPECT_EQ(decode_all_ways(stream), failing_with(close_code::protocol_error));
}

TEST(FrameDecoder, RejectsMessageOverMaxSizeFromItsHeader)
{
    const decoder_options limited{.max_message_size = 10};
    EXPECT_EQ(decode_all_ways(client_frame(opcode::binary, text("01234567890")), limited),
              failing_with(close_code::message_too_big));

    // The sum of the fragments counts, not each frame.
    const auto fragments = concat({client_frame(opcode::text, text("012345"), false),
                                   client_frame(opcode::continuation, text("6789"), false),
                                   client_frame(opcode::continuation, text("X"))});
    const auto records = decode_all_ways(fragments, limited);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.back(), failure(close_code::message_too_big));

    // Decided from the header alone: no payload byte is delivered first.
    frame_decoder decoder(limited);
    auto head = bytes({0x82, 0xFE, 0x10, 0x00, 1, 2, 3, 4});
    const auto event = decoder.next(head);
    EXPECT_EQ(event.kind, frame_event_kind::failed);
    EXPECT_EQ(event.failure, close_code::message_too_big);
}

TEST(FrameDecoder, RejectsHugeLengthWithoutOverflow)
{
    const decoder_options limited{.max_message_size = 100};
    auto stream =
        concat({client_frame(opcode::binary, text("0123456789"), false),
                bytes({0x80, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4})});
    const auto records = decode_all_ways(stream, limited);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.back(), failure(close_code::message_too_big));
}

TEST(FrameDecoder, RejectsInvalidUtf8InText)
{
    EXPECT_EQ(decode_all_ways(client_frame(opcode::text, bytes({'a', 0xC0, 0x80, 'b'}))),
              failing_with(close_code::invalid_payload));
    EXPECT_EQ(decode_all_ways(client_frame(opcode::text, bytes({0xED, 0xA0, 0x80}))),
              failing_with(close_code::invalid_payload));
    EXPECT_EQ(decode_all_ways(client_frame(opcode::text, bytes({0xF4, 0x90, 0x80, 0x80}))),
              failing_with(close_code::invalid_payload));
    // Binary messages are not text: anything goes.
    EXPECT_EQ(decode_all_ways(client_frame(opcode::binary, bytes({0xC0, 0x80}))),
              std::vector{message(opcode::binary, bytes({0xC0, 0x80}))});
}

TEST(FrameDecoder, RejectsInvalidUtf8AcrossFragmentsFast)
{
    // The bad byte fails the connection at once, not when the message ends.
    auto stream = concat({client_frame(opcode::text, bytes({'a', 0xF4}), false),
                          client_frame(opcode::continuation, bytes({0x90}), false)});
    EXPECT_EQ(decode_all_ways(stream), failing_with(close_code::invalid_payload));
}

TEST(FrameDecoder, RejectsUnfinishedCodePointAtMessageEnd)
{
    EXPECT_EQ(decode_all_ways(client_frame(opcode::text, bytes({'a', 0xE2, 0x82}))),
              failing_with(close_code::invalid_payload));
    const auto stream = concat({client_frame(opcode::text, bytes({'a', 0xE2, 0x82}), false),
                                client_frame(opcode::continuation, {})});
    EXPECT_EQ(decode_all_ways(stream), failing_with(close_code::invalid_payload));
}

TEST(FrameDecoder, RejectsCloseWithOneBytePayload)
{
    EXPECT_EQ(decode_all_ways(client_frame(opcode::close, bytes({0x03}))),
              failing_with(close_code::protocol_error));
}

TEST(FrameDecoder, RejectsCloseCodesNotValidOnTheWire)
{
    for (const int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    {
        EXPECT_EQ(decode_all_ways(client_frame(opcode::close, bytes({code >> 8, code & 0xFF}))),
                  failing_with(close_code::protocol_error))
            << code;
    }
    for (const int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999})
    {
        const auto payload = bytes({code >> 8, code & 0xFF});
        EXPECT_EQ(decode_all_ways(client_frame(opcode::close, payload)),
                  std::vector{control(opcode::close, payload)})
            << code;
    }
}

TEST(FrameDecoder, RejectsCloseReasonNotValidUtf8)
{
    EXPECT_EQ(decode_all_ways(client_frame(opcode::close, bytes({0x03, 0xE8, 'o', 0xFF}))),
              failing_with(close_code::invalid_payload));
    // The reason must be complete, too.
    EXPECT_EQ(decode_all_ways(client_frame(opcode::close, bytes({0x03, 0xE8, 0xE2, 0x82}))),
              failing_with(close_code::invalid_payload));
}

TEST(FrameDecoder, FailureIsStickyWithZeroConsumed)
{
    frame_decoder decoder;
    auto bad = client_frame(opcode::binary, text("x"), true, std::nullopt);
    auto event = decoder.next(bad);
    EXPECT_EQ(event.kind, frame_event_kind::failed);
    EXPECT_EQ(event.failure, close_code::protocol_error);
    EXPECT_EQ(event.failure_reason, "unmasked client frame");
    auto good = client_frame(opcode::binary, text("y"));
    for (int i = 0; i < 3; ++i)
    {
        event = decoder.next(good);
        EXPECT_EQ(event.kind, frame_event_kind::failed);
        EXPECT_EQ(event.consumed, 0U);
        EXPECT_EQ(event.failure, close_code::protocol_error);
    }
}

TEST(FrameDecoder, ControlPayloadSurvivesUntilNextCall)
{
    auto ping = client_frame(opcode::ping, text("keepalive"));
    frame_decoder decoder;
    const auto event = decoder.next(ping);
    ASSERT_EQ(event.kind, frame_event_kind::control);
    // Decoder-owned: overwriting the input does not change it.
    std::ranges::fill(ping, std::byte{0});
    EXPECT_EQ(byte_vector(event.payload.begin(), event.payload.end()), text("keepalive"));
}

} // namespace
} // namespace websockify::ws
