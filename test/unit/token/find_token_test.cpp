#include "websockify/token/find_token.hpp"

#include <gtest/gtest.h>

namespace websockify::token
{
namespace
{

http::request_head request(std::string target, std::vector<http::header_field> headers)
{
    http::request_head head;
    head.method = "GET";
    head.target = std::move(target);
    head.version = "HTTP/1.1";
    head.headers = std::move(headers);
    return head;
}

TEST(FindToken, QueryParameterFirstThenCookie)
{
    EXPECT_EQ(find_token(request("/websockify?token=abc%20d", {}), false), "abc d");
    EXPECT_EQ(find_token(request("/?token=q", {{"Cookie", "token=c"}}), false), "q");
    EXPECT_EQ(find_token(request("/", {{"Cookie", "a=1; token=\"c\"; b=2"}}), false), "c");
    EXPECT_EQ(find_token(request("/", {{"Cookie", "notoken=1"}}), false), std::nullopt);
    EXPECT_EQ(find_token(request("/", {}), false), std::nullopt);
}

TEST(FindToken, HostHeaderWithoutPort)
{
    EXPECT_EQ(find_token(request("/?token=ignored", {{"Host", "vnc1.example:6080"}}), true),
              "vnc1.example");
    EXPECT_EQ(find_token(request("/", {{"Host", "[::1]:6080"}}), true), "::1");
    EXPECT_EQ(find_token(request("/", {{"Host", "plain"}}), true), "plain");
    EXPECT_EQ(find_token(request("/", {}), true), std::nullopt);
}

TEST(FindToken, HostWithoutPortEdgeCases)
{
    EXPECT_EQ(host_without_port("[2001:db8::2]"), "2001:db8::2");
    EXPECT_EQ(host_without_port("2001:db8::2"), "2001:db8::2");
    EXPECT_EQ(host_without_port(" a:1 "), "a");
}

} // namespace
} // namespace websockify::token
