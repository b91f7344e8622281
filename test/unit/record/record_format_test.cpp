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

} // namespace
} // namespace websockify::record
