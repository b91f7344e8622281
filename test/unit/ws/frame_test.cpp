#include "websockify/ws/frame.hpp"

#include "websockify/codec/utf8.hpp"

#include <gtest/gtest.h>
#include <initializer_list>
#include <string>
#include <vector>

namespace websockify::ws
{
namespace
{

std::vector<std::byte> bytes(std::initializer_list<int> values)
{
    std::vector<std::byte> out;
    for (const int v : values)
    {
        out.push_back(static_cast<std::byte>(v));
    }
    return out;
}

std::vector<std::byte> header(opcode op, std::uint64_t size, bool fin = true,
                              std::optional<mask_key> mask = std::nullopt)
{
    std::array<std::byte, max_frame_header_size> out{};
    const std::size_t n = encode_frame_header(out, op, size, fin, mask);
    return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
}

const mask_key rfc_key{std::byte{0x37}, std::byte{0xfa}, std::byte{0x21}, std::byte{0x3d}};

TEST(FrameHeader, EncodesRfcUnmaskedTextHello)
{
    // RFC 6455 §5.7: a single-frame unmasked text message "Hello".
    EXPECT_EQ(header(opcode::text, 5), bytes({0x81, 0x05}));
}

TEST(FrameHeader, EncodesRfcMaskedTextHello)
{
    auto frame = header(opcode::text, 5, true, rfc_key);
    EXPECT_EQ(frame, bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}));
    auto payload = bytes({'H', 'e', 'l', 'l', 'o'});
    apply_mask(payload, rfc_key, 0);
    EXPECT_EQ(payload, bytes({0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameHeader, EncodesRfcFragmentedText)
{
    EXPECT_EQ(header(opcode::text, 3, false), bytes({0x01, 0x03}));
    EXPECT_EQ(header(opcode::continuation, 2, true), bytes({0x80, 0x02}));
}

TEST(FrameHeader, EncodesRfcPingAndPong)
{
    EXPECT_EQ(header(opcode::ping, 5), bytes({0x89, 0x05}));
    EXPECT_EQ(header(opcode::pong, 5, true, rfc_key), bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d}));
}

TEST(FrameHeader, EncodesRfcBinary256And65536)
{
    EXPECT_EQ(header(opcode::binary, 256), bytes({0x82, 0x7E, 0x01, 0x00}));
    EXPECT_EQ(header(opcode::binary, 65536),
              bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
}

TEST(FrameHeader, UsesShortestLengthAtBoundaries)
{
    EXPECT_EQ(header(opcode::binary, 0), bytes({0x82, 0x00}));
    EXPECT_EQ(header(opcode::binary, 125), bytes({0x82, 0x7D}));
    EXPECT_EQ(header(opcode::binary, 126), bytes({0x82, 0x7E, 0x00, 0x7E}));
    EXPECT_EQ(header(opcode::binary, 65535), bytes({0x82, 0x7E, 0xFF, 0xFF}));
    EXPECT_EQ(header(opcode::binary, 65536),
              bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
    EXPECT_EQ(header(opcode::binary, 0x7FFFFFFFFFFFFFFFULL),
              bytes({0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
}

TEST(FrameHeader, SizesIncludeMaskKey)
{
    EXPECT_EQ(header(opcode::binary, 125, true, rfc_key).size(), 6U);
    EXPECT_EQ(header(opcode::binary, 126, true, rfc_key).size(), 8U);
    EXPECT_EQ(header(opcode::binary, 65536, true, rfc_key).size(), max_frame_header_size);
    const auto big = header(opcode::binary, 65536, false, rfc_key);
    EXPECT_EQ(big[0], std::byte{0x02});
    EXPECT_EQ(big[1], std::byte{0xFF});
    EXPECT_EQ(std::vector(big.end() - 4, big.end()), bytes({0x37, 0xfa, 0x21, 0x3d}));
}

TEST(FrameHeader, ControlOpcodesAreRecognised)
{
    EXPECT_TRUE(is_control(opcode::close));
    EXPECT_TRUE(is_control(opcode::ping));
    EXPECT_TRUE(is_control(opcode::pong));
    EXPECT_FALSE(is_control(opcode::continuation));
    EXPECT_FALSE(is_control(opcode::text));
    EXPECT_FALSE(is_control(opcode::binary));
}

TEST(ApplyMask, MatchesNaiveReferenceForEveryOffsetAndLength)
{
    const mask_key key{std::byte{0x01}, std::byte{0x23}, std::byte{0x45}, std::byte{0x89}};
    for (std::uint64_t offset = 0; offset < 8; ++offset)
    {
        for (std::size_t length = 0; length <= 40; ++length)
        {
            std::vector<std::byte> data(length);
            for (std::size_t i = 0; i < length; ++i)
            {
                data[i] = static_cast<std::byte>(i * 7 + 3);
            }
            auto expected = data;
            for (std::size_t i = 0; i < length; ++i)
            {
                expected[i] ^= key.at((offset + i) % 4);
            }
            apply_mask(data, key, offset);
            EXPECT_EQ(data, expected) << "offset " << offset << " length " << length;
        }
    }
}

TEST(ApplyMask, ChunksMaskedSeparatelyEqualWhole)
{
    std::vector<std::byte> whole(100);
    for (std::size_t i = 0; i < whole.size(); ++i)
    {
        whole[i] = static_cast<std::byte>(i);
    }
    auto chunked = whole;
    apply_mask(whole, rfc_key, 0);
    const std::vector<std::size_t> cuts{0, 1, 4, 13, 30, 31, 64, 100};
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k)
    {
        apply_mask(std::span(chunked).subspan(cuts[k], cuts[k + 1] - cuts[k]), rfc_key, cuts[k]);
    }
    EXPECT_EQ(chunked, whole);
}

TEST(ApplyMask, MaskingTwiceRestoresData)
{
    std::vector<std::byte> data(1000);
    for (std::size_t i = 0; i < data.size(); ++i)
    {
        data[i] = static_cast<std::byte>(i * 31);
    }
    const auto original = data;
    apply_mask(data, rfc_key, 5);
    EXPECT_NE(data, original);
    apply_mask(data, rfc_key, 5);
    EXPECT_EQ(data, original);
}

TEST(ClosePayload, EncodesCodeBigEndianAndReason)
{
    EXPECT_EQ(make_close_payload(1000, "Target closed"),
              bytes({0x03, 0xE8, 'T', 'a', 'r', 'g', 'e', 't', ' ', 'c', 'l', 'o', 's', 'e', 'd'}));
    EXPECT_EQ(make_close_payload(4999, ""), bytes({0x13, 0x87}));
}

TEST(ClosePayload, NoStatusGivesEmptyPayload)
{
    EXPECT_TRUE(make_close_payload(1005, "ignored").empty());
}

TEST(ClosePayload, TruncatesReasonToFit125Bytes)
{
    const std::string reason(200, 'x');
    const auto payload = make_close_payload(1011, reason);
    EXPECT_EQ(payload.size(), max_control_payload);
    EXPECT_EQ(make_close_payload(1011, std::string(123, 'x')).size(), 125U);
}

TEST(ClosePayload, TruncationNeverSplitsUtf8Sequence)
{
    // "é" is two bytes and "😀" four; shift them across the 123-byte reason limit.
    for (std::size_t prefix = 115; prefix <= 123; ++prefix)
    {
        for (const std::string_view tail :
             {"\xC3\xA9\xC3\xA9\xC3\xA9", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"})
        {
            const std::string reason =
                std::string(prefix, 'a') + std::string(tail) + std::string(10, 'b');
            const auto payload = make_close_payload(1000, reason);
            ASSERT_LE(payload.size(), max_control_payload);
            EXPECT_GE(payload.size(), max_control_payload - 3);
            EXPECT_TRUE(codec::is_valid_utf8(std::span(payload).subspan(2))) << prefix;
        }
    }
}

TEST(ClosePayload, ParsesWhatItMakes)
{
    const auto payload = make_close_payload(1001, "bye \xE2\x82\xAC");
    const close_info info = parse_close_payload(payload);
    EXPECT_EQ(info.code, 1001);
    EXPECT_EQ(info.reason, "bye \xE2\x82\xAC");
}

TEST(ClosePayload, EmptyPayloadParsesAsNoStatus)
{
    const close_info info = parse_close_payload({});
    EXPECT_EQ(info.code, 1005);
    EXPECT_TRUE(info.reason.empty());
}

TEST(CloseCode, WireValidity)
{
    for (const std::uint16_t code :
         std::initializer_list<std::uint16_t>{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011,
                                              1012, 1013, 1014, 3000, 3999, 4000, 4999})
    {
        EXPECT_TRUE(is_valid_wire_close_code(code)) << code;
    }
    for (const std::uint16_t code : std::initializer_list<std::uint16_t>{
             0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    {
        EXPECT_FALSE(is_valid_wire_close_code(code)) << code;
    }
}

} // namespace
} // namespace websockify::ws
