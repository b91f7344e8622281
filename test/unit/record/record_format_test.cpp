#include "websockify/record/record_format.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace websockify::record
{
namespace
{

std::vector<std::byte> bytes(std::string_view text)
{
    const auto* first = reinterpret_cast<const std::byte*>(text.data());
    return {first, first + text.size()};
}

TEST(RecordFormat, EscapesAsNoVncPlaybackExpects)
{
    EXPECT_EQ(format_entry(direction::to_client, 12, bytes("RFB 003.008\n")),
              "'{12{RFB 003.008\\n',\n");
    EXPECT_EQ(format_entry(direction::from_client, 0,
                           bytes(std::string_view("a'b\\c\t\r\0\x7f\xff", 10))),
              "'}0}a\\'b\\\\c\\t\\r\\x00\\x7f\\xff',\n");
    EXPECT_EQ(format_entry(direction::to_client, 5, {}), "'{5{',\n");
}

TEST(RecordFormat, EscapedSizeAgreesWithTheFormatForEveryByte)
{
    for (int value = 0; value < 256; ++value)
    {
        const std::vector<std::byte> one{static_cast<std::byte>(value)};
        const auto entry = format_entry(direction::to_client, 0, one);
        EXPECT_EQ(entry.size() - entry_overhead(0), escaped_size(one[0])) << value;
    }
}

TEST(RecordFormat, OverheadCountsTheTimesDigits)
{
    for (const std::uint64_t ms : {0ULL, 9ULL, 10ULL, 99ULL, 1000ULL, 18446744073709551615ULL})
    {
        EXPECT_EQ(format_entry(direction::from_client, ms, {}).size(), entry_overhead(ms)) << ms;
    }
}

TEST(RecordFormat, FittingPrefixStopsBeforeTheByteThatOverflows)
{
    const auto data = bytes(std::string_view("ab\\xy\0", 6)); // sizes 1 1 2 1 1 4
    EXPECT_EQ(fitting_prefix(data, 0), 0U);
    EXPECT_EQ(fitting_prefix(data, 2), 2U);
    EXPECT_EQ(fitting_prefix(data, 3), 2U); // the backslash needs 2
    EXPECT_EQ(fitting_prefix(data, 4), 3U);
    EXPECT_EQ(fitting_prefix(data, 9), 5U);
    EXPECT_EQ(fitting_prefix(data, 10), 6U);
    EXPECT_EQ(fitting_prefix(data, 1000), 6U);
}

} // namespace
} // namespace websockify::record
