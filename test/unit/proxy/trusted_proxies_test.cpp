#include "websockify/proxy/trusted_proxies.hpp"

#include <gtest/gtest.h>
#include <stdexcept>
#include <string>

namespace websockify::proxy
{
namespace
{

TEST(TrustedProxies, EmptyTrustsNobody)
{
    const trusted_proxies none;
    EXPECT_TRUE(none.empty());
    EXPECT_FALSE(none.contains("127.0.0.1"));
}

TEST(TrustedProxies, RangesAndSingleAddresses)
{
    const auto trusted = trusted_proxies::parse(
        {"127.0.0.1/32", "10.0.0.0/8", "::1/128", "192.0.2.5", "[fd00::]/8"});
    EXPECT_TRUE(trusted.contains("127.0.0.1"));
    EXPECT_FALSE(trusted.contains("127.0.0.2"));
    EXPECT_TRUE(trusted.contains("10.255.1.2"));
    EXPECT_FALSE(trusted.contains("11.0.0.1"));
    EXPECT_TRUE(trusted.contains("::1"));
    EXPECT_FALSE(trusted.contains("::2"));
    EXPECT_TRUE(trusted.contains("192.0.2.5"));
    EXPECT_FALSE(trusted.contains("192.0.2.6"));
    EXPECT_TRUE(trusted.contains("fdff:1::9"));
    EXPECT_FALSE(trusted.contains("fe00::1"));
    // IPv4-mapped peers of a dual-stack listener match IPv4 ranges.
    EXPECT_TRUE(trusted.contains("::ffff:10.9.8.7"));
    EXPECT_FALSE(trusted.contains("unix:/run/websockify.sock"));
    EXPECT_FALSE(trusted.contains("unknown"));
}

TEST(TrustedProxies, PrefixesCutInsideAByte)
{
    const auto trusted = trusted_proxies::parse({"172.16.0.0/12", "0.0.0.0/0"});
    EXPECT_TRUE(trusted.contains("172.31.255.255"));
    EXPECT_TRUE(trusted.contains("8.8.8.8")); // /0: every IPv4 address
    EXPECT_FALSE(trusted.contains("2001:db8::1"));
    const auto narrow = trusted_proxies::parse({"172.16.0.0/12"});
    EXPECT_FALSE(narrow.contains("172.32.0.0"));
    EXPECT_FALSE(narrow.contains("172.15.255.255"));
}

TEST(TrustedProxies, BadRangesNameThemselves)
{
    for (const std::string bad : {"", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/x",
                                  "host.example", "10.0.0.0/8/8", "10.0.0.0/-1", "1.2.3"})
    {
        try
        {
            (void)trusted_proxies::parse({bad});
            ADD_FAILURE() << "accepted '" << bad << "'";
        }
        catch (const std::invalid_argument& e)
        {
            EXPECT_EQ(std::string(e.what()).rfind("--trusted-proxy '" + bad + "': ", 0), 0U)
                << e.what();
        }
    }
}

} // namespace
} // namespace websockify::proxy
