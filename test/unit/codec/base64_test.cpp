#include "websockify/codec/base64.hpp"

#include "websockify/error/error.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <gtest/gtest.h>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace websockify::codec
{
namespace
{

std::vector<std::byte> bytes_of(std::string_view s)
{
    const auto b = std::as_bytes(std::span(s.data(), s.size()));
    return {b.begin(), b.end()};
}

std::span<const std::byte> text_of(std::string_view s)
{
    return std::as_bytes(std::span(s.data(), s.size()));
}

/// RFC 4648 §10 test vectors.
const std::array<std::pair<std::string_view, std::string_view>, 7> rfc4648_vectors{{
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
}};

TEST(Base64, EncodesRfc4648Vectors)
{
    for (const auto& [plain, encoded] : rfc4648_vectors)
    {
        EXPECT_EQ(base64_encode(plain), encoded) << plain;
        EXPECT_EQ(base64_encode(text_of(plain)), encoded) << plain;
    }
}

TEST(Base64, DecodesRfc4648Vectors)
{
    for (const auto& [plain, encoded] : rfc4648_vectors)
    {
        const auto decoded = base64_decode(encoded);
        ASSERT_TRUE(decoded) << encoded;
        EXPECT_EQ(*decoded, bytes_of(plain)) << encoded;
    }
}

TEST(Base64, RoundTripsEveryByteValue)
{
    std::vector<std::byte> all;
    all.reserve(256);
    for (int i = 0; i < 256; ++i)
    {
        all.push_back(static_cast<std::byte>(i));
    }
    // Every prefix length exercises all three tail shapes with every byte in every position.
    for (std::size_t n = 0; n <= all.size(); ++n)
    {
        const auto piece = std::span(all).first(n);
        const auto encoded = base64_encode(piece);
        EXPECT_EQ(encoded.size(), (n + 2) / 3 * 4);
        const auto decoded = base64_decode(encoded);
        ASSERT_TRUE(decoded) << n;
        EXPECT_TRUE(std::equal(decoded->begin(), decoded->end(), piece.begin(), piece.end()));
    }
}

TEST(Base64, EncodesBothExtraCharacters)
{
    EXPECT_EQ(base64_encode(std::vector{std::byte{0xFB}, std::byte{0xFF}, std::byte{0xBF}}),
              "+/+/");
}

TEST(Base64, RejectsBadInput)
{
    for (const std::string_view bad : {
             "Z",         // length not a multiple of 4
             "Zg=",       // length not a multiple of 4
             "Zm9vY",     // length not a multiple of 4
             "Zm9v!mFy",  // character outside the alphabet
             "Zm9v YmFy", // whitespace is not skipped
             "Zm9-",      // URL-safe alphabet is not the standard one
             "Z===",      // at most two '='
             "====",      // padding only
             "Zg=A",      // data after '='
             "Zg==Zm8=",  // padding in the middle
             "Zm9v====",  // a whole quartet of padding
         })
    {
        const auto decoded = base64_decode(bad);
        ASSERT_FALSE(decoded) << bad;
        EXPECT_EQ(decoded.error(), error::bad_base64) << bad;
    }
    const std::string with_nul("Zm9\0", 4);
    EXPECT_EQ(base64_decode(with_nul).error(), error::bad_base64);
    const std::string high_byte("Zm9\xC3", 4);
    EXPECT_EQ(base64_decode(high_byte).error(), error::bad_base64);
}

TEST(Base64, AcceptsNonZeroPadBits)
{
    // RFC 4648 §3.5 lets a decoder ignore the unused bits; "Zh==" differs from "Zg==" only there.
    const auto decoded = base64_decode("Zh==");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytes_of("f"));
}

std::string sample_text()
{
    std::string plain;
    for (int i = 0; i < 1000; ++i)
    {
        plain += static_cast<char>((i * 7 + 3) % 256);
    }
    return base64_encode(plain);
}

TEST(Base64Decoder, WholeInputMatchesOneShot)
{
    const auto text = sample_text();
    base64_decoder decoder;
    std::vector<std::byte> out;
    EXPECT_FALSE(decoder.feed(text_of(text), out));
    EXPECT_FALSE(decoder.finish());
    EXPECT_EQ(out, *base64_decode(text));
}

TEST(Base64Decoder, ByteByByteMatchesOneShot)
{
    for (const auto& [plain, encoded] : rfc4648_vectors)
    {
        base64_decoder decoder;
        std::vector<std::byte> out;
        for (const auto b : text_of(encoded))
        {
            ASSERT_FALSE(decoder.feed(std::span(&b, 1), out)) << encoded;
        }
        EXPECT_FALSE(decoder.finish()) << encoded;
        EXPECT_EQ(out, bytes_of(plain)) << encoded;
    }
}

TEST(Base64Decoder, RandomChunksMatchOneShot)
{
    const auto text = sample_text();
    const auto expected = *base64_decode(text);
    std::mt19937 rng(20240613);
    std::uniform_int_distribution<std::size_t> chunk_size(0, 9);
    for (int round = 0; round < 50; ++round)
    {
        base64_decoder decoder;
        std::vector<std::byte> out;
        const auto input = text_of(text);
        for (std::size_t at = 0; at < input.size();)
        {
            const auto n = std::min(chunk_size(rng), input.size() - at);
            ASSERT_FALSE(decoder.feed(input.subspan(at, n), out));
            at += n;
        }
        EXPECT_FALSE(decoder.finish());
        EXPECT_EQ(out, expected) << round;
    }
}

TEST(Base64Decoder, AcceptsConcatenatedPaddedPieces)
{
    base64_decoder decoder;
    std::vector<std::byte> out;
    EXPECT_FALSE(decoder.feed(text_of("Zg==Zm8=Zm9v"), out));
    EXPECT_FALSE(decoder.feed(text_of("Zg="), out));
    EXPECT_FALSE(decoder.feed(text_of("="), out));
    EXPECT_FALSE(decoder.finish());
    EXPECT_EQ(out, bytes_of("ffofoof"));
}

TEST(Base64Decoder, EmitsBytesAsQuartetsComplete)
{
    base64_decoder decoder;
    std::vector<std::byte> out;
    EXPECT_FALSE(decoder.feed(text_of("Zm9vY"), out));
    EXPECT_EQ(out, bytes_of("foo"));
    EXPECT_FALSE(decoder.feed(text_of("mFy"), out));
    EXPECT_EQ(out, bytes_of("foobar"));
    EXPECT_FALSE(decoder.finish());
}

TEST(Base64Decoder, InvalidCharacterIsStickyUntilFinish)
{
    base64_decoder decoder;
    std::vector<std::byte> out;
    EXPECT_EQ(decoder.feed(text_of("Zm9v*"), out), error::bad_base64);
    EXPECT_EQ(decoder.feed(text_of("Zm9v"), out), error::bad_base64);
    EXPECT_EQ(decoder.finish(), error::bad_base64);
    // finish() resets the decoder for the next message.
    out.clear();
    EXPECT_FALSE(decoder.feed(text_of("Zm9v"), out));
    EXPECT_FALSE(decoder.finish());
    EXPECT_EQ(out, bytes_of("foo"));
}

TEST(Base64Decoder, RejectsMisplacedPadding)
{
    for (const std::string_view bad : {"=", "Z=", "Zg=A", "Zm9v="})
    {
        base64_decoder decoder;
        std::vector<std::byte> out;
        const auto fed = decoder.feed(text_of(bad), out);
        const auto finished = decoder.finish();
        EXPECT_TRUE(fed == error::bad_base64 || finished == error::bad_base64) << bad;
    }
}

TEST(Base64Decoder, PartialQuartetFailsAtFinish)
{
    base64_decoder decoder;
    std::vector<std::byte> out;
    EXPECT_FALSE(decoder.feed(text_of("Zm9vYg"), out));
    EXPECT_EQ(decoder.finish(), error::bad_base64);
    EXPECT_FALSE(decoder.finish());
}

} // namespace
} // namespace websockify::codec
