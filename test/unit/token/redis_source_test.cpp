#include "websockify/token/redis_source.hpp"

#include <gtest/gtest.h>

namespace websockify::token
{
namespace
{

redis_source expected(std::string host, std::uint16_t port, unsigned db,
                      std::optional<std::string> password, std::string prefix)
{
    redis_source source;
    source.host = std::move(host);
    source.port = port;
    source.db = db;
    source.password = std::move(password);
    source.key_prefix = std::move(prefix);
    return source;
}

TEST(RedisSource, EmptyFieldsKeepTheirDefaults)
{
    EXPECT_EQ(parse_redis_source("redis"), expected("redis", 6379, 0, std::nullopt, ""));
    EXPECT_EQ(parse_redis_source("redis:6380"), expected("redis", 6380, 0, std::nullopt, ""));
    EXPECT_EQ(parse_redis_source("redis:"), expected("redis", 6379, 0, std::nullopt, ""));
    EXPECT_EQ(parse_redis_source("redis::3"), expected("redis", 6379, 3, std::nullopt, ""));
    EXPECT_EQ(parse_redis_source("redis:::pw"), expected("redis", 6379, 0, "pw", ""));
    EXPECT_EQ(parse_redis_source("redis::::"), expected("redis", 6379, 0, std::nullopt, ""));
}

TEST(RedisSource, EverythingAfterTheFourthColonIsTheNamespace)
{
    EXPECT_EQ(parse_redis_source("redis::::app"), expected("redis", 6379, 0, std::nullopt, "app:"));
    EXPECT_EQ(parse_redis_source("r:6380:1:secret:first:second"),
              expected("r", 6380, 1, "secret", "first:second:"));
}

TEST(RedisSource, BadFieldsAreRefused)
{
    for (const char* bad :
         {"", ":6379", "r:port", "r:0", "r:65536", "r:6379:x", "r:-1", "r:6379:-2"})
    {
        EXPECT_EQ(parse_redis_source(bad), std::nullopt) << bad;
    }
}

TEST(RedisSource, KeyIsNamespaceColonToken)
{
    EXPECT_EQ(redis_key(*parse_redis_source("r::::ns"), "tok"), "ns:tok");
    EXPECT_EQ(redis_key(*parse_redis_source("r"), "tok"), "tok");
}

TEST(RedisValue, JsonOrPlainHostPort)
{
    const auto json = parse_redis_value(R"( {"host": "10.0.0.5:5901"} )");
    ASSERT_TRUE(json);
    EXPECT_EQ(json->host, "10.0.0.5");
    EXPECT_EQ(json->port, 5901);
    const auto plain = parse_redis_value("vnc.example:5902\n");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->host, "vnc.example");
    EXPECT_EQ(plain->port, 5902);
    EXPECT_EQ(parse_redis_value("[::1]:5900")->host, "::1");
}

TEST(RedisValue, OtherValuesAreRefused)
{
    for (const char* bad : {"", "nocolon", "{", R"({"target":"h:1"})", R"({"host":5})",
                            R"({"host":"h"})", "h:99999", "[]"})
    {
        EXPECT_FALSE(parse_redis_value(bad)) << bad;
    }
}

} // namespace
} // namespace websockify::token
