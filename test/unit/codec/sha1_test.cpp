#include "websockify/codec/sha1.hpp"

#include <array>
#include <cstddef>
#include <gtest/gtest.h>
#include <span>
#include <string>
#include <string_view>

namespace websockify::codec
{
namespace
{

std::string hex(const std::array<std::byte, 20>& digest)
{
    constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    for (const auto b : digest)
    {
        out += digits[std::to_integer<std::size_t>(b) >> 4];
        out += digits[std::to_integer<std::size_t>(b) & 0xFU];
    }
    return out;
}

TEST(Sha1, HashesAbc)
{
    // FIPS 180-2 Appendix A.1.
    EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Sha1, HashesEmptyInput)
{
    EXPECT_EQ(hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(Sha1, HashesTwoBlockMessage)
{
    // FIPS 180-2 Appendix A.2: 448 bits, so padding spills into a second block.
    EXPECT_EQ(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(Sha1, SpanAndStringOverloadsAgree)
{
    const std::string_view text = "The quick brown fox jumps over the lazy dog";
    EXPECT_EQ(sha1(text), sha1(std::as_bytes(std::span(text.data(), text.size()))));
    EXPECT_EQ(hex(sha1(text)), "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
}

} // namespace
} // namespace websockify::codec
