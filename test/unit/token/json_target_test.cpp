#include "websockify/token/json_target.hpp"

#include <gtest/gtest.h>

namespace websockify::token
{
namespace
{

TEST(JsonTarget, PortAsNumberOrString)
{
    const auto number = parse_json_target(R"({"host": "vnc.example", "port": 5901})");
    ASSERT_TRUE(number);
    EXPECT_EQ(number->host, "vnc.example");
    EXPECT_EQ(number->port, 5901);
    const auto text = parse_json_target(R"({"port": "5902", "host": "::1", "extra": [1]})");
    ASSERT_TRUE(text);
    EXPECT_EQ(text->host, "::1");
    EXPECT_EQ(text->port, 5902);
}

TEST(JsonTarget, AnythingElseIsABadTarget)
{
    for (const char* bad :
         {"", "vnc:5900", "[]", "{}", R"({"host":"h"})", R"({"port":1})",
          R"({"host":"h","port":-1})", R"({"host":"h","port":1.5})", R"({"host":"h","port":70000})",
          R"({"host":"","port":1})", R"({"host":["h"],"port":1})", R"({"host":"h","port":"x"})",
          R"({"host":"h","port":null})"})
    {
        const auto parsed = parse_json_target(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error(), error::bad_target) << bad;
    }
}

} // namespace
} // namespace websockify::token
