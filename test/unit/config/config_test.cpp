#include "websockify/config/config.hpp"

#include <gtest/gtest.h>

namespace websockify::config
{
namespace
{

TEST(ListenAddress, PortAloneMeansAnyAddress)
{
    const auto e = parse_listen_address("6080");
    EXPECT_EQ(e.host, "");
    EXPECT_EQ(e.port, 6080);
}

TEST(ListenAddress, HostAndPort)
{
    const auto e = parse_listen_address("127.0.0.1:0");
    EXPECT_EQ(e.host, "127.0.0.1");
    EXPECT_EQ(e.port, 0);
}

TEST(ListenAddress, BracketedIpv6)
{
    const auto e = parse_listen_address("[::1]:6080");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 6080);
}

TEST(ListenAddress, EmptyHostBeforeColonMeansAny)
{
    const auto e = parse_listen_address(":6080");
    EXPECT_EQ(e.host, "");
    EXPECT_EQ(e.port, 6080);
}

TEST(ListenAddress, RejectsBadPorts)
{
    EXPECT_THROW(parse_listen_address("65536"), invalid_argument);
    EXPECT_THROW(parse_listen_address("-1"), invalid_argument);
    EXPECT_THROW(parse_listen_address("60x"), invalid_argument);
    EXPECT_THROW(parse_listen_address(""), invalid_argument);
    EXPECT_THROW(parse_listen_address("host:"), invalid_argument);
}

TEST(ListenAddress, RejectsUnbracketedIpv6)
{
    EXPECT_THROW(parse_listen_address("::1:6080"), invalid_argument);
}

TEST(ListenAddress, RejectsUnclosedBracket)
{
    EXPECT_THROW(parse_listen_address("[::1:6080"), invalid_argument);
    EXPECT_THROW(parse_listen_address("[::1]6080"), invalid_argument);
}

TEST(TargetAddress, NeedsHostAndPort)
{
    const auto e = parse_target_address("localhost:5900");
    EXPECT_EQ(e.host, "localhost");
    EXPECT_EQ(e.port, 5900);
    EXPECT_THROW(parse_target_address("5900"), invalid_argument);
    EXPECT_THROW(parse_target_address(":5900"), invalid_argument);
    EXPECT_THROW(parse_target_address("localhost:0"), invalid_argument);
}

TEST(TargetAddress, BracketedIpv6)
{
    const auto e = parse_target_address("[fe80::1]:5900");
    EXPECT_EQ(e.host, "fe80::1");
    EXPECT_EQ(e.port, 5900);
}

TEST(Endpoint, PrintsIpv6InBrackets)
{
    EXPECT_EQ(to_string(endpoint{"::1", 80}), "[::1]:80");
    EXPECT_EQ(to_string(endpoint{"localhost", 5900}), "localhost:5900");
    EXPECT_EQ(to_string(endpoint{"", 6080}), ":6080");
}

TEST(InvalidArgument, MessageNamesTheBadPart)
{
    try
    {
        parse_listen_address("99999");
        FAIL() << "expected invalid_argument";
    }
    catch (const invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("99999"), std::string::npos);
    }
}

} // namespace
} // namespace websockify::config
