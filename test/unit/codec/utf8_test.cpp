#include "websockify/codec/utf8.hpp"

#include <array>
#include <cstdint>
#include <gtest/gtest.h>
#include <initializer_list>
#include <string>
#include <vector>

namespace websockify::codec
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

/// Reference check written the slow, obvious way: decode each code point and test the
/// RFC 3629 rules on its value, not on byte ranges as the validator does.
bool reference_is_valid(std::span<const std::byte> in)
{
    std::size_t i = 0;
    while (i < in.size())
    {
        const auto lead = std::to_integer<std::uint32_t>(in[i]);
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (lead < 0x80)
        {
            length = 1;
            cp = lead;
        }
        else if ((lead & 0xE0U) == 0xC0)
        {
            length = 2;
            cp = lead & 0x1FU;
        }
        else if ((lead & 0xF0U) == 0xE0)
        {
            length = 3;
            cp = lead & 0x0FU;
        }
        else if ((lead & 0xF8U) == 0xF0)
        {
            length = 4;
            cp = lead & 0x07U;
        }
        else
        {
            return false;
        }
        if (i + length > in.size())
        {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k)
        {
            const auto b = std::to_integer<std::uint32_t>(in[i + k]);
            if ((b & 0xC0U) != 0x80)
            {
                return false;
            }
            cp = cp << 6U | (b & 0x3FU);
        }
        constexpr std::array<std::uint32_t, 5> min_for_length{0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_length.at(length) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        {
            return false;
        }
        i += length;
    }
    return true;
}

TEST(Utf8, AcceptsValidText)
{
    EXPECT_TRUE(is_valid_utf8(std::string_view{}));
    EXPECT_TRUE(is_valid_utf8("Hello, world"));
    EXPECT_TRUE(is_valid_utf8("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5")); // κόσμε
    EXPECT_TRUE(is_valid_utf8(bytes({0xC2, 0x80})));                            // U+0080
    EXPECT_TRUE(is_valid_utf8(bytes({0xDF, 0xBF})));                            // U+07FF
    EXPECT_TRUE(is_valid_utf8(bytes({0xE0, 0xA0, 0x80})));                      // U+0800
    EXPECT_TRUE(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));                      // U+D7FF
    EXPECT_TRUE(is_valid_utf8(bytes({0xEE, 0x80, 0x80})));                      // U+E000
    EXPECT_TRUE(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));                      // U+FFFF
    EXPECT_TRUE(is_valid_utf8(bytes({0xF0, 0x90, 0x80, 0x80})));                // U+10000
    EXPECT_TRUE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98, 0x80})));                // U+1F600
    EXPECT_TRUE(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));                // U+10FFFF
    EXPECT_TRUE(is_valid_utf8(bytes({0x00})));
}

TEST(Utf8, RejectsOverlongForms)
{
    EXPECT_FALSE(is_valid_utf8(bytes({0xC0, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x80, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));
}

TEST(Utf8, RejectsSurrogates)
{
    EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}))); // CESU-8 pair
}

TEST(Utf8, RejectsCodePointsAbove10FFFF)
{
    EXPECT_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xF7, 0xBF, 0xBF, 0xBF})));
}

TEST(Utf8, RejectsFiveAndSixByteSequences)
{
    EXPECT_FALSE(is_valid_utf8(bytes({0xF8, 0x88, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xFE})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xFF})));
}

TEST(Utf8, RejectsStrayAndMissingContinuationBytes)
{
    EXPECT_FALSE(is_valid_utf8(bytes({0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xBF})));
    EXPECT_FALSE(is_valid_utf8(bytes({0x41, 0x80, 0x41})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xCE, 0x41})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x82, 0x41})));
}

TEST(Utf8, RejectsTruncatedSequenceAtEnd)
{
    EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x82})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98})));
    EXPECT_FALSE(is_valid_utf8(bytes({0x41, 0xC2})));
}

TEST(Utf8Validator, AcceptsEmojiSplitAtEveryPoint)
{
    const auto emoji = bytes({0x41, 0xF0, 0x9F, 0x98, 0x80, 0x42});
    for (std::size_t cut = 0; cut <= emoji.size(); ++cut)
    {
        utf8_validator validator;
        EXPECT_TRUE(validator.feed(std::span(emoji).first(cut))) << "cut " << cut;
        EXPECT_EQ(validator.complete(), cut != 2 && cut != 3 && cut != 4) << "cut " << cut;
        EXPECT_TRUE(validator.feed(std::span(emoji).subspan(cut))) << "cut " << cut;
        EXPECT_TRUE(validator.complete()) << "cut " << cut;
    }
}

TEST(Utf8Validator, AcceptsEmojiFedByteByByte)
{
    const auto emoji = bytes({0xF0, 0x9F, 0x98, 0x80});
    utf8_validator validator;
    for (std::size_t i = 0; i < emoji.size(); ++i)
    {
        EXPECT_EQ(validator.complete(), i == 0);
        EXPECT_TRUE(validator.feed(std::span(emoji).subspan(i, 1)));
    }
    EXPECT_TRUE(validator.complete());
}

TEST(Utf8Validator, FailsAtTheFirstImpossibleByte)
{
    // F4 can still start U+10FFFF; F4 90 cannot start anything valid.
    utf8_validator validator;
    const auto input = bytes({0xF4, 0x90, 0x80, 0x80});
    EXPECT_TRUE(validator.feed(std::span(input).first(1)));
    EXPECT_FALSE(validator.feed(std::span(input).subspan(1, 1)));
    EXPECT_TRUE(validator.failed());
}

TEST(Utf8Validator, FailureIsStickyUntilReset)
{
    utf8_validator validator;
    EXPECT_FALSE(validator.feed(bytes({0xC0, 0x80})));
    EXPECT_FALSE(validator.feed(bytes({0x41})));
    EXPECT_FALSE(validator.complete());
    validator.reset();
    EXPECT_TRUE(validator.feed(bytes({0x41})));
    EXPECT_TRUE(validator.complete());
}

TEST(Utf8Validator, EmptyFeedChangesNothing)
{
    utf8_validator validator;
    EXPECT_TRUE(validator.feed({}));
    EXPECT_TRUE(validator.complete());
    EXPECT_TRUE(validator.feed(bytes({0xE2})));
    EXPECT_TRUE(validator.feed({}));
    EXPECT_FALSE(validator.complete());
}

TEST(Utf8, FindsABadByteAtEveryPositionOfLongAscii)
{
    // Covers the eight-byte ASCII fast path: the bad byte at each offset in and after a word.
    for (std::size_t position = 0; position < 40; ++position)
    {
        std::vector<std::byte> text(41, std::byte{'a'});
        text[position] = std::byte{0xFF};
        EXPECT_FALSE(is_valid_utf8(text)) << "position " << position;
        text[position] = std::byte{0xC3};
        text[position + 1] = std::byte{0xA9};
        EXPECT_TRUE(is_valid_utf8(text)) << "position " << position;
    }
}

TEST(Utf8, MatchesReferenceOnAllShortSequences)
{
    // Every 1- and 2-byte input, and 3- and 4-byte inputs over the bytes where the rules change.
    const std::vector<int> edges{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF};
    for (int a = 0; a < 256; ++a)
    {
        const auto one = bytes({a});
        ASSERT_EQ(is_valid_utf8(one), reference_is_valid(one)) << a;
        for (int b = 0; b < 256; ++b)
        {
            const auto two = bytes({a, b});
            ASSERT_EQ(is_valid_utf8(two), reference_is_valid(two)) << a << ' ' << b;
        }
    }
    for (const int a : edges)
    {
        for (const int b : edges)
        {
            for (const int c : edges)
            {
                const auto three = bytes({a, b, c});
                ASSERT_EQ(is_valid_utf8(three), reference_is_valid(three));
                for (const int d : edges)
                {
                    const auto four = bytes({a, b, c, d});
                    ASSERT_EQ(is_valid_utf8(four), reference_is_valid(four))
                        << a << ' ' << b << ' ' << c << ' ' << d;
                }
            }
        }
    }
}

TEST(Utf8, StringViewAndByteOverloadsAgree)
{
    const std::string text = "caf\xC3\xA9 \xF0\x9F\x98\x80";
    EXPECT_TRUE(is_valid_utf8(text));
    EXPECT_TRUE(is_valid_utf8(std::as_bytes(std::span(text))));
    EXPECT_FALSE(is_valid_utf8(std::string_view(text).substr(0, text.size() - 1)));
}

} // namespace
} // namespace websockify::codec
