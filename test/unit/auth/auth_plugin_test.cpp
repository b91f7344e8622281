#include "websockify/auth/auth_plugin.hpp"

#include <gtest/gtest.h>
#include <stdexcept>

namespace websockify::auth
{
namespace
{

http::request_head with_headers(std::vector<http::header_field> headers)
{
    http::request_head head;
    head.method = "GET";
    head.target = "/";
    head.version = "HTTP/1.1";
    head.headers = std::move(headers);
    return head;
}

TEST(BasicHttpAuth, StatusesAsPythonGivesThem)
{
    const auto plugin = make_auth_plugin("BasicHTTPAuth", "alice:s3cr:et");
    // base64("alice:s3cr:et") -- a colon inside the password is kept
    EXPECT_TRUE(plugin->check(with_headers({{"Authorization", "Basic YWxpY2U6czNjcjpldA=="}}), {})
                    .allowed());
    const auto missing = plugin->check(with_headers({}), {});
    EXPECT_EQ(missing.status, 401);
    ASSERT_EQ(missing.headers.size(), 1U);
    EXPECT_EQ(missing.headers[0].name, "WWW-Authenticate");
    EXPECT_EQ(missing.headers[0].value, "Basic realm=\"Websockify\"");
    // alice:wrong
    EXPECT_EQ(plugin->check(with_headers({{"Authorization", "Basic YWxpY2U6d3Jvbmc="}}), {}).status,
              401);
    EXPECT_EQ(plugin->check(with_headers({{"Authorization", "Bearer abc"}}), {}).status, 403);
    EXPECT_EQ(plugin->check(with_headers({{"Authorization", "Basic !!!"}}), {}).status, 403);
    // base64("nocolon")
    EXPECT_EQ(plugin->check(with_headers({{"Authorization", "Basic bm9jb2xvbg=="}}), {}).status,
              403);
}

TEST(ExpectOrigin, OnlyListedOrigins)
{
    const auto plugin = make_auth_plugin("websockify.auth_plugins.ExpectOrigin",
                                         "https://a.example http://b.example:8080");
    EXPECT_TRUE(plugin->check(with_headers({{"Origin", "http://b.example:8080"}}), {}).allowed());
    const auto wrong = plugin->check(with_headers({{"Origin", "https://evil.example"}}), {});
    EXPECT_EQ(wrong.status, 403);
    EXPECT_EQ(wrong.reason, "Invalid Origin");
    EXPECT_EQ(plugin->check(with_headers({}), {}).status, 403);
}

TEST(ClientCertCnAuth, OnlyTheVerifiedCertificateCounts)
{
    const auto plugin = make_auth_plugin("ClientCertCNAuth", "admin ops");
    EXPECT_TRUE(plugin->check(with_headers({}), client_identity{"ops"}).allowed());
    EXPECT_EQ(plugin->check(with_headers({}), client_identity{"guest"}).status, 403);
    // Python trusted SSL_CLIENT_S_DN_CN request headers; any spelling must be ignored.
    for (const char* name : {"SSL_CLIENT_S_DN_CN", "ssl_client_s_dn_cn", "Ssl_Client_S_Dn_Cn"})
    {
        EXPECT_EQ(plugin->check(with_headers({{name, "admin"}}), {}).status, 403) << name;
    }
}

TEST(MakeAuthPlugin, BadNamesAndSources)
{
    EXPECT_THROW(make_auth_plugin("NoSuchAuth", "x"), std::invalid_argument);
    EXPECT_THROW(make_auth_plugin("BasicHTTPAuth", "no-colon"), std::invalid_argument);
    EXPECT_THROW(make_auth_plugin("ExpectOrigin", "  "), std::invalid_argument);
}

} // namespace
} // namespace websockify::auth
