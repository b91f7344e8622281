#include "websockify/web/http_date.hpp"

#include <gtest/gtest.h>

namespace websockify::web
{
namespace
{

using namespace std::chrono;

// RFC 9110 §5.6.7's example instant.
constexpr sys_seconds rfc_example{seconds{784111777}};

TEST(HttpDate, FormatsRfcExample)
{
    EXPECT_EQ(format_http_date(rfc_example), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpDate, FormatsEpochAndPadding)
{
    EXPECT_EQ(format_http_date(sys_seconds{}), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(
        format_http_date(sys_days{year{2024} / February / 29} + hours{1} + minutes{2} + seconds{3}),
        "Thu, 29 Feb 2024 01:02:03 GMT");
}

TEST(HttpDate, FormatClampsToFourDigitYears)
{
    EXPECT_EQ(format_http_date(sys_days{year{-5} / 1 / 1}), "Mon, 01 Jan 0001 00:00:00 GMT");
    EXPECT_EQ(format_http_date(sys_days{year{12000} / 1 / 1}), "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST(HttpDate, ParsesAllThreeFormats)
{
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), rfc_example);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), rfc_example);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), rfc_example);
}

TEST(HttpDate, ParsesAsctimeWithTwoDigitDay)
{
    EXPECT_EQ(parse_http_date("Thu Nov 24 08:49:37 1994"),
              sys_days{year{1994} / November / 24} + hours{8} + minutes{49} + seconds{37});
}

TEST(HttpDate, ParseIgnoresCaseAndSurroundingSpace)
{
    EXPECT_EQ(parse_http_date("  sun, 06 nov 1994 08:49:37 gmt\t"), rfc_example);
}

TEST(HttpDate, ParsesRfc850TwoDigitYearsLikePython)
{
    EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT"), sys_seconds{});
    const auto y2068 = parse_http_date("Sunday, 01-Jan-68 00:00:00 GMT");
    ASSERT_TRUE(y2068);
    EXPECT_EQ(year_month_day{floor<days>(*y2068)}.year(), year{2068});
    const auto y1969 = parse_http_date("Wednesday, 01-Jan-69 00:00:00 GMT");
    ASSERT_TRUE(y1969);
    EXPECT_EQ(year_month_day{floor<days>(*y1969)}.year(), year{1969});
}

TEST(HttpDate, RoundTripsOverManyInstants)
{
    // Steps of a prime number of seconds cover every field, month lengths and leap years.
    for (sys_seconds t{seconds{0}}; t < sys_seconds{seconds{4'102'444'800}};
         t += seconds{7'919'993})
    {
        const auto text = format_http_date(t);
        EXPECT_EQ(parse_http_date(text), t) << text;
    }
}

TEST(HttpDate, RejectsMalformedDates)
{
    for (const auto* bad : {
             "", "yesterday",
             "Sun, 06 Nov 1994 08:49:37",        // no GMT
             "Sun, 06 Nov 1994 08:49:37 UTC",    // another zone
             "Sun, 06 Nov 1994 08:49:37 GMT x",  // trailing text
             "Sun, 6 Nov 1994 08:49:37 GMT",     // one-digit day
             "Sun, 06 Nov 94 08:49:37 GMT",      // two-digit year in IMF-fixdate
             "Sun, 31 Feb 1994 08:49:37 GMT",    // no such day
             "Sun, 06 Nox 1994 08:49:37 GMT",    // no such month
             "Sun, 06 Nov 1994 24:00:00 GMT",    // hour out of range
             "Sun, 06 Nov 1994 08:60:00 GMT",    // minute out of range
             "Sun, 06 Nov 1994 08:49:61 GMT",    // second out of range
             "Xyz, 06 Nov 1994 08:49:37 GMT",    // no such day name
             "Sunday, 06-Nov-1994 08:49:37 GMT", // four-digit year in RFC 850
             "Sun Nov 6 08:49:37 1994",          // asctime day not padded
             "Sun Nov  6 08:49:37 94",           // asctime two-digit year
             "Sun Nov  6 08:49:37 1994 GMT",     // asctime has no zone
             "1994-11-06T08:49:37Z",             // ISO 8601
         })
    {
        EXPECT_FALSE(parse_http_date(bad)) << bad;
    }
}

TEST(HttpDate, AcceptsLeapSecond)
{
    EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), sys_days{year{2017} / January / 1});
}

} // namespace
} // namespace websockify::web
