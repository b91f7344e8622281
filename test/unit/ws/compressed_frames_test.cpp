#include "../support/bytes.hpp"
#include "websockify/ws/frame_decoder.hpp"

#include <gtest/gtest.h>
#include <vector>

// RSV1 under permessage-deflate (RFC 7692 §6): the frame decoder's side of compression.

namespace websockify::ws
{
namespace
{

using test::byte_vector;
using test::bytes;
using test::text;

constexpr std::byte rsv1{0x40};
const mask_key key{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};

byte_vector client_frame(opcode op, const byte_vector& payload, bool fin = true,
                         bool compressed = false)
{
    std::array<std::byte, max_frame_header_size> head{};
    const std::size_t n = encode_frame_header(head, op, payload.size(), fin, key);
    if (compressed)
    {
        head[0] |= rsv1;
    }
    byte_vector frame(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
    const auto body = frame.size();
    frame.insert(frame.end(), payload.begin(), payload.end());
    apply_mask(std::span(frame).subspan(body), key, 0);
    return frame;
}

/// Every event of one input, in order, until need_more or a failure.
std::vector<frame_event> events(frame_decoder& decoder, byte_vector& input)
{
    std::vector<frame_event> out;
    std::span<std::byte> rest(input);
    for (;;)
    {
        const auto event = decoder.next(rest);
        if (event.kind == frame_event_kind::need_more)
        {
            return out;
        }
        out.push_back(event);
        if (event.kind == frame_event_kind::failed)
        {
            return out;
        }
        rest = rest.subspan(event.consumed);
    }
}

constexpr decoder_options negotiated{.allow_compressed = true};

TEST(CompressedFrames, RejectsRsv1WithoutNegotiation)
{
    frame_decoder decoder;
    auto input = client_frame(opcode::binary, text("abc"), true, true);
    const auto got = events(decoder, input);
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].kind, frame_event_kind::failed);
    EXPECT_EQ(got[0].failure, close_code::protocol_error);
}

TEST(CompressedFrames, MarksCompressedMessageAcrossFragments)
{
    frame_decoder decoder(negotiated);
    auto input = client_frame(opcode::binary, text("ab"), false, true);
    const auto rest = client_frame(opcode::continuation, text("cd"));
    const auto plain = client_frame(opcode::binary, text("ef"));
    input.insert(input.end(), rest.begin(), rest.end());
    input.insert(input.end(), plain.begin(), plain.end());
    const auto got = events(decoder, input);
    ASSERT_EQ(got.size(), 3U);
    EXPECT_TRUE(got[0].compressed);
    EXPECT_FALSE(got[0].message_complete);
    EXPECT_TRUE(got[1].compressed) << "RSV1 of the first frame covers the whole message";
    EXPECT_TRUE(got[1].message_complete);
    EXPECT_FALSE(got[2].compressed);
    EXPECT_EQ(byte_vector(got[2].payload.begin(), got[2].payload.end()), text("ef"));
}

TEST(CompressedFrames, MarksEmptyCompressedMessage)
{
    frame_decoder decoder(negotiated);
    auto input = client_frame(opcode::text, {}, true, true);
    const auto got = events(decoder, input);
    ASSERT_EQ(got.size(), 1U);
    EXPECT_TRUE(got[0].compressed);
    EXPECT_TRUE(got[0].message_complete);
}

TEST(CompressedFrames, RejectsRsv1OnContinuation)
{
    frame_decoder decoder(negotiated);
    auto input = client_frame(opcode::binary, text("ab"), false, true);
    const auto rest = client_frame(opcode::continuation, text("cd"), true, true);
    input.insert(input.end(), rest.begin(), rest.end());
    const auto got = events(decoder, input);
    ASSERT_EQ(got.size(), 2U);
    EXPECT_EQ(got[1].kind, frame_event_kind::failed);
    EXPECT_EQ(got[1].failure, close_code::protocol_error);
}

TEST(CompressedFrames, RejectsRsv1OnControlFrames)
{
    for (const auto op : {opcode::ping, opcode::pong, opcode::close})
    {
        frame_decoder decoder(negotiated);
        auto input = client_frame(op, {}, true, true);
        const auto got = events(decoder, input);
        ASSERT_EQ(got.size(), 1U);
        EXPECT_EQ(got[0].kind, frame_event_kind::failed) << static_cast<int>(op);
        EXPECT_EQ(got[0].failure, close_code::protocol_error);
    }
}

TEST(CompressedFrames, StillRejectsRsv2AndRsv3)
{
    for (const int bits : {0x20, 0x10, 0x60})
    {
        frame_decoder decoder(negotiated);
        auto input = client_frame(opcode::binary, text("x"));
        input[0] |= static_cast<std::byte>(bits);
        const auto got = events(decoder, input);
        ASSERT_EQ(got.size(), 1U);
        EXPECT_EQ(got[0].failure, close_code::protocol_error) << bits;
    }
}

TEST(CompressedFrames, LeavesCompressedTextUnchecked)
{
    // The compressed bytes of a text message are not UTF-8; the caller checks after inflating.
    frame_decoder decoder(negotiated);
    auto input =
        client_frame(opcode::text, bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}), true, true);
    const auto got = events(decoder, input);
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].kind, frame_event_kind::data);
    EXPECT_EQ(got[0].message_type, opcode::text);
}

TEST(CompressedFrames, UncompressedTextStillChecked)
{
    frame_decoder decoder(negotiated);
    auto input = client_frame(opcode::text, bytes({0xff}));
    const auto got = events(decoder, input);
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].failure, close_code::invalid_payload);
}

} // namespace
} // namespace websockify::ws
