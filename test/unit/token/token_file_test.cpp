#include "websockify/token/token_file.hpp"

#include <gtest/gtest.h>

namespace websockify::token
{
namespace
{

TEST(TokenFile, PythonFormatWithCommentsAndBlankLines)
{
    const auto parsed = parse_token_file("# VNC servers\n"
                                         "\n"
                                         "alpha: 10.0.0.1:5900\n"
                                         "  beta:\tvnc.example.com:5901  \r\n"
                                         "v6: [2001:db8::1]:5902\n"
                                         "bare6: ::1:5903\n"
                                         "sock: unix_socket:/run/vnc.sock\n",
                                         "tokens.cfg");
    EXPECT_TRUE(parsed.problems.empty()) << parsed.problems.front();
    ASSERT_EQ(parsed.targets.size(), 5U);
    EXPECT_EQ(to_string(parsed.targets.at("alpha")), "10.0.0.1:5900");
    EXPECT_EQ(to_string(parsed.targets.at("beta")), "vnc.example.com:5901");
    EXPECT_EQ(parsed.targets.at("v6").host, "2001:db8::1");
    EXPECT_EQ(parsed.targets.at("v6").port, 5902);
    EXPECT_EQ(parsed.targets.at("bare6").host, "::1");
    EXPECT_EQ(parsed.targets.at("sock").unix_path, "/run/vnc.sock");
}

TEST(TokenFile, BadLinesReportedWithFileAndLine)
{
    const auto parsed = parse_token_file("good: h:1\n"
                                         "no separator here\n"
                                         "noport: host\n"
                                         "badport: host:99999\n"
                                         ": h:2\n",
                                         "dir/a.cfg");
    EXPECT_EQ(parsed.targets.size(), 1U);
    ASSERT_EQ(parsed.problems.size(), 4U);
    EXPECT_EQ(parsed.problems[0].rfind("dir/a.cfg:2: ", 0), 0U) << parsed.problems[0];
    EXPECT_EQ(parsed.problems[1].rfind("dir/a.cfg:3: ", 0), 0U) << parsed.problems[1];
    EXPECT_EQ(parsed.problems[2].rfind("dir/a.cfg:4: ", 0), 0U) << parsed.problems[2];
    EXPECT_EQ(parsed.problems[3].rfind("dir/a.cfg:5: ", 0), 0U) << parsed.problems[3];
}

TEST(TokenFile, LaterFilesWinWhenMerged)
{
    auto all = parse_token_file("a: h1:1\nb: h1:2\n", "one");
    merge_tokens(all, parse_token_file("b: h2:3\nbroken\n", "two"));
    EXPECT_EQ(to_string(all.targets.at("a")), "h1:1");
    EXPECT_EQ(to_string(all.targets.at("b")), "h2:3");
    EXPECT_EQ(all.problems.size(), 1U);
}

TEST(Target, ParseAndFormat)
{
    EXPECT_EQ(to_string(*parse_target(" host:80 \n")), "host:80");
    EXPECT_EQ(to_string(*parse_target("[::1]:80")), "[::1]:80");
    EXPECT_FALSE(parse_target("host"));
    EXPECT_FALSE(parse_target("host:"));
    EXPECT_FALSE(parse_target(":80"));
    EXPECT_FALSE(parse_target("host:0"));
    EXPECT_FALSE(parse_target("host:8o"));
    EXPECT_EQ(parse_target("host:x").error(), make_error_code(error::bad_target));
}

} // namespace
} // namespace websockify::token
