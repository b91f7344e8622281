#include "websockify/wrap/port_report.hpp"

#include <gtest/gtest.h>

namespace websockify::wrap
{
namespace
{

TEST(WrapPortReport, ParsesRebindLine)
{
    const auto report = parse_port_report("5901 41234\n");
    ASSERT_TRUE(report);
    EXPECT_EQ(report->public_port, 5901);
    EXPECT_EQ(report->loopback_port, 41234);
}

TEST(WrapPortReport, NewlineIsOptional)
{
    const auto report = parse_port_report("1 65535");
    ASSERT_TRUE(report);
    EXPECT_EQ(report->public_port, 1);
    EXPECT_EQ(report->loopback_port, 65535);
}

TEST(WrapPortReport, RejectsAnythingElse)
{
    for (const auto* line : {"", "\n", "5901", "5901 ", " 5901 1", "5901  1", "0 1", "1 0",
                             "65536 1", "+1 2", "-1 2", "1 2x", "a b", "1\t2", "1 2\n\n"})
    {
        EXPECT_FALSE(parse_port_report(line)) << '\'' << line << '\'';
    }
}

} // namespace
} // namespace websockify::wrap
