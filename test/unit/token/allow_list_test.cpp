#include "websockify/token/allow_list.hpp"

#include <gtest/gtest.h>
#include <stdexcept>

namespace websockify::token
{
namespace
{

target tcp(std::string host, std::uint16_t port)
{
    target where;
    where.host = std::move(host);
    where.port = port;
    return where;
}

target unix_socket(std::string path)
{
    target where;
    where.unix_path = std::move(path);
    return where;
}

ip_address address(std::string_view text)
{
    const auto parsed = ip_address::parse(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed.value_or(ip_address{});
}

TEST(AllowList, EmptyListAllowsEverything)
{
    const target_allow_list list;
    EXPECT_TRUE(list.allows_as_written(tcp("10.1.2.3", 22)));
    EXPECT_TRUE(list.allows_as_written(unix_socket("/etc/anything")));
    EXPECT_TRUE(list.allows_address(address("169.254.169.254"), 80));
}

TEST(AllowList, Ipv4NetworkWithPortRange)
{
    const auto list = target_allow_list::parse({"10.0.0.0/8:5900-5999"});
    EXPECT_TRUE(list.allows_as_written(tcp("10.20.30.40", 5900)));
    EXPECT_TRUE(list.allows_as_written(tcp("10.255.255.255", 5999)));
    EXPECT_FALSE(list.allows_as_written(tcp("10.20.30.40", 6000)));
    EXPECT_FALSE(list.allows_as_written(tcp("10.20.30.40", 22)));
    EXPECT_FALSE(list.allows_as_written(tcp("11.0.0.1", 5900)));
    EXPECT_FALSE(list.allows_as_written(tcp("192.168.0.1", 5900)));
}

TEST(AllowList, PrefixThatIsNotAByteMultiple)
{
    const auto list = target_allow_list::parse({"192.168.4.0/22"});
    EXPECT_TRUE(list.allows_address(address("192.168.7.255"), 1));
    EXPECT_TRUE(list.allows_address(address("192.168.4.0"), 65535));
    EXPECT_FALSE(list.allows_address(address("192.168.8.0"), 1));
    EXPECT_FALSE(list.allows_address(address("192.168.3.255"), 1));
}

TEST(AllowList, SingleAddressAndSinglePort)
{
    const auto list = target_allow_list::parse({"192.168.1.5:5901"});
    EXPECT_TRUE(list.allows_as_written(tcp("192.168.1.5", 5901)));
    EXPECT_FALSE(list.allows_as_written(tcp("192.168.1.5", 5902)));
    EXPECT_FALSE(list.allows_as_written(tcp("192.168.1.6", 5901)));
}

TEST(AllowList, Ipv6NetworksWithAndWithoutBrackets)
{
    const auto list = target_allow_list::parse({"[fd00::]/8:5900", "2001:db8::1"});
    EXPECT_TRUE(list.allows_as_written(tcp("fd12:3456::1", 5900)));
    EXPECT_FALSE(list.allows_as_written(tcp("fd12:3456::1", 5901)));
    EXPECT_FALSE(list.allows_as_written(tcp("fe80::1", 5900)));
    EXPECT_TRUE(list.allows_as_written(tcp("2001:db8::1", 22)));
    EXPECT_FALSE(list.allows_as_written(tcp("2001:db8::2", 22)));
}

TEST(AllowList, Ipv4MappedIpv6CannotDodgeAnIpv4Rule)
{
    const auto only_public = target_allow_list::parse({"203.0.113.0/24"});
    EXPECT_FALSE(only_public.allows_as_written(tcp("::ffff:127.0.0.1", 80)));
    EXPECT_TRUE(only_public.allows_as_written(tcp("::ffff:203.0.113.9", 80)));
}

TEST(AllowList, NamesMatchAsWrittenIgnoringCase)
{
    const auto list = target_allow_list::parse({"VNC1.internal:5901"});
    EXPECT_TRUE(list.allows_as_written(tcp("vnc1.INTERNAL", 5901)));
    EXPECT_FALSE(list.allows_as_written(tcp("vnc1.internal", 5902)));
    EXPECT_FALSE(list.allows_as_written(tcp("vnc2.internal", 5901)));
    EXPECT_FALSE(list.has_address_rules());
}

TEST(AllowList, UnlistedNamesDependOnTheirAddresses)
{
    const auto list = target_allow_list::parse({"127.0.0.0/8"});
    EXPECT_FALSE(list.allows_as_written(tcp("localhost", 5900)));
    EXPECT_TRUE(list.has_address_rules());
    EXPECT_TRUE(list.allows_address(address("127.0.0.1"), 5900));
    EXPECT_FALSE(list.allows_address(address("::1"), 5900));
}

TEST(AllowList, AnyHostLimitsOnlyPorts)
{
    const auto list = target_allow_list::parse({"*:5900-5910"});
    EXPECT_TRUE(list.allows_as_written(tcp("anything.example", 5905)));
    EXPECT_TRUE(list.allows_address(address("::1"), 5900));
    EXPECT_FALSE(list.allows_as_written(tcp("anything.example", 22)));
}

TEST(AllowList, UnixRulesMatchWholePathComponents)
{
    const auto list = target_allow_list::parse({"unix:/run/vnc/"});
    EXPECT_TRUE(list.allows_as_written(unix_socket("/run/vnc/desk1.sock")));
    EXPECT_TRUE(list.allows_as_written(unix_socket("/run/vnc")));
    EXPECT_FALSE(list.allows_as_written(unix_socket("/run/vnc-other/x.sock")));
    EXPECT_FALSE(list.allows_as_written(unix_socket("/run/docker.sock")));
    EXPECT_FALSE(list.allows_as_written(tcp("127.0.0.1", 5900)));
}

TEST(AllowList, TcpRulesDoNotAllowUnixSockets)
{
    const auto list = target_allow_list::parse({"*"});
    EXPECT_FALSE(list.allows_as_written(unix_socket("/run/vnc/desk1.sock")));
}

TEST(AllowList, BadRulesNameTheRule)
{
    for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.1:0", "10.0.0.1:70000",
                            "10.0.0.1:5-3", "10.0.0.1:", "[fd00::/8", "[fd00::]/129", "300.1.1.1/8",
                            "host name", "unix:relative", "10.0.0.1:59x0"})
    {
        try
        {
            (void)parse_allow_rule(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        }
        catch (const std::invalid_argument& e)
        {
            EXPECT_NE(std::string(e.what()).find("--allow-target"), std::string::npos) << bad;
        }
    }
}

TEST(IpAddress, ParsesLiteralsOnly)
{
    EXPECT_EQ(address("10.0.0.1").length, 4U);
    EXPECT_EQ(address("::1").length, 16U);
    EXPECT_FALSE(ip_address::parse("example.com").has_value());
    EXPECT_FALSE(ip_address::parse("10.0.0.1/8").has_value());
    EXPECT_FALSE(ip_address::parse("").has_value());
}

} // namespace
} // namespace websockify::token
