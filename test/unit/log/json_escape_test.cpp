#include "websockify/log/log.hpp"

#include <gtest/gtest.h>

namespace websockify::log
{
namespace
{

TEST(JsonEscape, PlainTextUnchanged)
{
    EXPECT_EQ(json_escape("hello world"), "hello world");
}

TEST(JsonEscape, QuotesAndBackslashes)
{
    EXPECT_EQ(json_escape(R"(a"b\c)"), R"(a\"b\\c)");
}

TEST(JsonEscape, ControlCharacters)
{
    EXPECT_EQ(json_escape(std::string_view("\n\t\x01\0", 4)), R"(\u000a\u0009\u0001\u0000)");
}

TEST(JsonEscape, KeepsValidUtf8)
{
    EXPECT_EQ(json_escape("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(JsonEscape, ReplacesInvalidUtf8)
{
    EXPECT_EQ(json_escape("a\xFF"
                          "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(json_escape("\xC3"), "\xEF\xBF\xBD");
    EXPECT_EQ(json_escape("\xC0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(JsonEscape, ReplacesSurrogatesAndOverlongs)
{
    EXPECT_EQ(json_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(json_escape("\xE0\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

} // namespace
} // namespace websockify::log
