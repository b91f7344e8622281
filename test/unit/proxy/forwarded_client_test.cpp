#include "websockify/proxy/forwarded_client.hpp"

#include <gtest/gtest.h>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace websockify::proxy
{
namespace
{

http::request_head request(std::vector<std::pair<std::string, std::string>> fields)
{
    http::request_head head;
    head.method = "GET";
    head.target = "/";
    head.version = "HTTP/1.1";
    for (auto& [name, value] : fields)
    {
        http::header_field field;
        field.name = std::move(name);
        field.value = std::move(value);
        head.headers.push_back(std::move(field));
    }
    return head;
}

const trusted_proxies trusted = trusted_proxies::parse({"10.0.0.0/8", "::1/128"});

TEST(ForwardedClient, NoHeaderNoClient)
{
    EXPECT_FALSE(find_forwarded_client(request({{"Host", "x"}}), trusted));
}

TEST(ForwardedClient, XForwardedForRightmostUntrusted)
{
    // The client wrote the first entry itself; 203.0.113.7 is what our proxies saw.
    const auto client = find_forwarded_client(
        request({{"X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.1.1"}}), trusted);
    ASSERT_TRUE(client);
    EXPECT_EQ(client->address, "203.0.113.7");
    EXPECT_EQ(client->port, 0);
    EXPECT_EQ(client->from, "X-Forwarded-For");
}

TEST(ForwardedClient, SeveralHeaderLinesFormOneList)
{
    const auto client = find_forwarded_client(
        request({{"x-forwarded-for", "203.0.113.7"}, {"X-Forwarded-For", "10.2.2.2, 10.3.3.3"}}),
        trusted);
    ASSERT_TRUE(client);
    EXPECT_EQ(client->address, "203.0.113.7");
}

TEST(ForwardedClient, AllTrustedGivesTheLeftmost)
{
    const auto client =
        find_forwarded_client(request({{"X-Forwarded-For", "10.0.0.5, 10.0.0.6"}}), trusted);
    ASSERT_TRUE(client);
    EXPECT_EQ(client->address, "10.0.0.5");
}

TEST(ForwardedClient, XForwardedForForms)
{
    for (const auto& [value, address, port] :
         std::vector<std::tuple<std::string, std::string, int>>{
             {"2001:DB8::1", "2001:db8::1", 0},
             {"[2001:db8::1]", "2001:db8::1", 0},
             {"[2001:db8::1]:4711", "2001:db8::1", 4711},
             {"192.0.2.60:8080", "192.0.2.60", 8080},
             {"::ffff:192.0.2.60", "192.0.2.60", 0},
             {" 192.0.2.60 ,", "192.0.2.60", 0},
         })
    {
        const auto client = find_forwarded_client(request({{"X-Forwarded-For", value}}), trusted);
        ASSERT_TRUE(client) << value;
        EXPECT_EQ(client->address, address) << value;
        EXPECT_EQ(client->port, port) << value;
    }
}

TEST(ForwardedClient, UnusableEntryStopsTheWalk)
{
    // Nobody can vouch for what lies left of an entry that is no address.
    for (const std::string value : {"198.51.100.1, unknown", "198.51.100.1, host.example",
                                    "1.2.3.4:99999", "[2001:db8::1", "[2001:db8::1]x", "1.2.3.4:"})
    {
        EXPECT_FALSE(find_forwarded_client(request({{"X-Forwarded-For", value}}), trusted))
            << value;
    }
}

TEST(ForwardedClient, Rfc7239Examples)
{
    // RFC 7239 §4 and §7.4.
    const auto quoted_v6 = find_forwarded_client(
        request({{"Forwarded", "For=\"[2001:db8:cafe::17]:4711\""}}), trusted);
    ASSERT_TRUE(quoted_v6);
    EXPECT_EQ(quoted_v6->address, "2001:db8:cafe::17");
    EXPECT_EQ(quoted_v6->port, 4711);
    EXPECT_EQ(quoted_v6->from, "Forwarded");

    const auto with_params = find_forwarded_client(
        request({{"Forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43"}}), trusted);
    ASSERT_TRUE(with_params);
    EXPECT_EQ(with_params->address, "192.0.2.60");

    const auto list = find_forwarded_client(
        request({{"Forwarded", "for=192.0.2.43, for=198.51.100.17;by=10.0.0.1, for=10.0.0.2"}}),
        trusted);
    ASSERT_TRUE(list);
    EXPECT_EQ(list->address, "198.51.100.17");
}

TEST(ForwardedClient, QuotedCommasAndSemicolonsStayInsideTheirValue)
{
    const auto client = find_forwarded_client(
        request({{"Forwarded", "for=192.0.2.1;ext=\"a,b;for=9.9.9.9\";proto=https"}}), trusted);
    ASSERT_TRUE(client);
    EXPECT_EQ(client->address, "192.0.2.1");
}

TEST(ForwardedClient, ObfuscatedPortCountsAsNone)
{
    const auto client =
        find_forwarded_client(request({{"Forwarded", "for=\"192.0.2.1:_abc\""}}), trusted);
    ASSERT_TRUE(client);
    EXPECT_EQ(client->port, 0);
}

TEST(ForwardedClient, ForwardedWinsOverXForwardedFor)
{
    const auto client = find_forwarded_client(
        request({{"X-Forwarded-For", "198.51.100.9"}, {"Forwarded", "for=192.0.2.1"}}), trusted);
    ASSERT_TRUE(client);
    EXPECT_EQ(client->address, "192.0.2.1");
    EXPECT_EQ(client->from, "Forwarded");
}

TEST(ForwardedClient, ForwardedWithoutUsableForGivesNothing)
{
    for (const std::string value : {"for=unknown", "for=_hidden", "by=10.0.0.1",
                                    "for=192.0.2.1, proto=http", "for=\"[2001:db8::1]:80"})
    {
        EXPECT_FALSE(find_forwarded_client(request({{"Forwarded", value}}), trusted)) << value;
    }
}

} // namespace
} // namespace websockify::proxy
