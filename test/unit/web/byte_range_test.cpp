#include "websockify/web/byte_range.hpp"

#include <gtest/gtest.h>

namespace websockify::web
{
namespace
{

using kind = range_request::kind;

void expect_partial(std::string_view header, std::uint64_t size, std::uint64_t first,
                    std::uint64_t last)
{
    const auto r = parse_range(header, size);
    EXPECT_EQ(r.what, kind::partial) << header;
    EXPECT_EQ(r.range, (byte_range{first, last})) << header;
}

TEST(ByteRange, ClosedRange)
{
    expect_partial("bytes=0-99", 1000, 0, 99);
    expect_partial("bytes=500-500", 1000, 500, 500);
    EXPECT_EQ(parse_range("bytes=0-99", 1000).range.length(), 100U);
}

TEST(ByteRange, LastPastTheEndIsClamped)
{
    expect_partial("bytes=900-5000", 1000, 900, 999);
    expect_partial("bytes=0-99999999999999999999999", 1000, 0, 999);
}

TEST(ByteRange, OpenEndedRange)
{
    expect_partial("bytes=100-", 1000, 100, 999);
    expect_partial("bytes=999-", 1000, 999, 999);
}

TEST(ByteRange, SuffixRange)
{
    expect_partial("bytes=-10", 1000, 990, 999);
    expect_partial("bytes=-5000", 1000, 0, 999);
}

TEST(ByteRange, UnitIsCaseInsensitiveAndSpecMayHaveSpace)
{
    expect_partial("Bytes=0-1", 10, 0, 1);
    expect_partial("bytes= 2-3 ", 10, 2, 3);
}

TEST(ByteRange, FirstAtOrPastEndIsUnsatisfiable)
{
    EXPECT_EQ(parse_range("bytes=1000-", 1000).what, kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=1000-2000", 1000).what, kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=99999999999999999999999-", 1000).what, kind::unsatisfiable);
}

TEST(ByteRange, ZeroSuffixOrEmptyFileIsUnsatisfiable)
{
    EXPECT_EQ(parse_range("bytes=-0", 1000).what, kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=-5", 0).what, kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=0-", 0).what, kind::unsatisfiable);
}

TEST(ByteRange, MultipleRangesAreIgnored)
{
    EXPECT_EQ(parse_range("bytes=0-1,5-6", 1000).what, kind::whole);
    EXPECT_EQ(parse_range("bytes=0-1, 5-6", 1000).what, kind::whole);
    EXPECT_EQ(parse_range("bytes=0-1,", 1000).what, kind::whole);
}

TEST(ByteRange, MalformedRangesAreIgnored)
{
    for (const auto* bad : {"", "bytes", "bytes=", "bytes=-", "bytes=abc", "bytes=1-a", "bytes=a-1",
                            "bytes=5-1", "bytes=1 - 2", "bytes=--1", "bytes=+1-2", "items=0-1",
                            "bytes 0-1", "bytes=0x10-20", "bytes=-1-2"})
    {
        EXPECT_EQ(parse_range(bad, 1000).what, kind::whole) << bad;
    }
}

TEST(ByteRange, FormatsContentRange)
{
    EXPECT_EQ(format_content_range({0, 99}, 1000), "bytes 0-99/1000");
    EXPECT_EQ(format_unsatisfied_range(1000), "bytes */1000");
}

} // namespace
} // namespace websockify::web
