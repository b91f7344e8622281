#include "websockify/http/request_head.hpp"

#include "websockify/error/error.hpp"

#include <gtest/gtest.h>
#include <string>
#include <string_view>

namespace websockify::http
{
namespace
{

using namespace std::literals;

/// Chrome's upgrade request to a noVNC page, as captured.
constexpr std::string_view browser_request =
    "GET /websockify?token=abc HTTP/1.1\r\n"
    "Host: localhost:6080\r\n"
    "Connection: Upgrade\r\n"
    "Pragma: no-cache\r\n"
    "Cache-Control: no-cache\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36\r\n"
    "Upgrade: websocket\r\n"
    "Origin: http://localhost:6080\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-GB,en;q=0.9\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "Sec-WebSocket-Protocol: binary\r\n"
    "\r\n";

std::string to_lf_only(std::string_view crlf)
{
    std::string out;
    for (const char c : crlf)
    {
        if (c != '\r')
        {
            out += c;
        }
    }
    return out;
}

void expect_error(std::string_view head, error expected)
{
    const auto parsed = parse_request_head(head);
    ASSERT_FALSE(parsed) << head;
    EXPECT_EQ(parsed.error(), expected) << head;
}

TEST(RequestHead, ParsesBrowserUpgradeRequest)
{
    const auto parsed = parse_request_head(browser_request);
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(parsed->method, "GET");
    EXPECT_EQ(parsed->target, "/websockify?token=abc");
    EXPECT_EQ(parsed->version, "HTTP/1.1");
    ASSERT_EQ(parsed->headers.size(), 13U);
    EXPECT_EQ(parsed->headers[0].name, "Host");
    EXPECT_EQ(parsed->headers[0].value, "localhost:6080");
    EXPECT_EQ(parsed->headers[12].name, "Sec-WebSocket-Protocol");
    EXPECT_EQ(parsed->find("Sec-WebSocket-Key"), "dGhlIHNhbXBsZSBub25jZQ==");
}

TEST(RequestHead, LookupsAreCaseInsensitive)
{
    const auto parsed = parse_request_head(browser_request);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->find("sec-websocket-key"), "dGhlIHNhbXBsZSBub25jZQ==");
    EXPECT_EQ(parsed->find("UPGRADE"), "websocket");
    EXPECT_EQ(parsed->count("connection"), 1U);
    EXPECT_EQ(parsed->find("X-Absent"), std::nullopt);
    EXPECT_EQ(parsed->count("X-Absent"), 0U);
}

TEST(RequestHead, KeepsDuplicateHeadersInOrder)
{
    const auto parsed = parse_request_head(
        "GET / HTTP/1.1\r\nX-A: one\r\nx-a: two\r\nX-B: b\r\nX-A: three\r\n\r\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->count("X-A"), 3U);
    EXPECT_EQ(parsed->find("X-A"), "one");
    ASSERT_EQ(parsed->headers.size(), 4U);
    EXPECT_EQ(parsed->headers[1].value, "two");
    EXPECT_EQ(parsed->headers[3].value, "three");
}

TEST(RequestHead, TrimsOptionalWhitespaceAroundValues)
{
    const auto parsed = parse_request_head(
        "GET / HTTP/1.1\r\nA:value\r\nB: \t spaced  out \t\r\nC:\r\nD:   \r\n\r\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->find("A"), "value");
    EXPECT_EQ(parsed->find("B"), "spaced  out");
    EXPECT_EQ(parsed->find("C"), "");
    EXPECT_EQ(parsed->find("D"), "");
}

TEST(RequestHead, AcceptsLfOnlyLines)
{
    const auto lf = to_lf_only(browser_request);
    const auto crlf = parse_request_head(browser_request);
    const auto parsed = parse_request_head(lf);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->headers.size(), crlf->headers.size());
    for (std::size_t i = 0; i < crlf->headers.size(); ++i)
    {
        EXPECT_EQ(parsed->headers[i].name, crlf->headers[i].name);
        EXPECT_EQ(parsed->headers[i].value, crlf->headers[i].value);
    }
    EXPECT_EQ(find_head_end(lf), lf.size());
}

TEST(RequestHead, AcceptsHttp10AndLeadingEmptyLines)
{
    const auto parsed = parse_request_head("\r\n\r\nGET /index.html HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->version, "HTTP/1.0");
    EXPECT_EQ(parsed->target, "/index.html");
    EXPECT_TRUE(parsed->headers.empty());
}

TEST(RequestHead, IgnoresBytesAfterTheHead)
{
    const auto parsed =
        parse_request_head("GET / HTTP/1.1\r\nA: b\r\n\r\n\x00\x01garbage: ::\r\n"sv);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->headers.size(), 1U);
}

TEST(FindHeadEnd, FindsTheEndOnlyOnceEveryPrefixIsComplete)
{
    for (const std::string& request : {std::string(browser_request), to_lf_only(browser_request)})
    {
        for (std::size_t n = 0; n < request.size(); ++n)
        {
            EXPECT_EQ(find_head_end(std::string_view(request).substr(0, n)), std::nullopt) << n;
        }
        EXPECT_EQ(find_head_end(request), request.size());
        EXPECT_EQ(find_head_end(request + "trailing body"), request.size());
    }
}

TEST(FindHeadEnd, HandlesMixedTerminatorsAndLeadingEmptyLines)
{
    EXPECT_EQ(find_head_end("GET / HTTP/1.1\n\r\n"), 17U);
    EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\n\n"), 17U);
    EXPECT_EQ(find_head_end("\r\nGET / HTTP/1.1\r\n\r\n"), 20U);
    EXPECT_EQ(find_head_end("\r\n\r\n"), std::nullopt);
    EXPECT_EQ(find_head_end(""), std::nullopt);
    EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\n\r"), std::nullopt);
}

TEST(FindHeadEnd, ResumingAfterAnySplitFindsTheSameEnd)
{
    // A reader appends each read and resumes 2 bytes before the old end; the terminator may be
    // cut anywhere, including "...\r\n\r" | "\n", where the resumed part starts with "\r\n".
    for (const std::string& request : {std::string(browser_request), to_lf_only(browser_request)})
    {
        for (std::size_t cut = 1; cut < request.size(); ++cut)
        {
            const std::string_view first = std::string_view(request).substr(0, cut);
            ASSERT_EQ(find_head_end(first), std::nullopt) << cut;
            const std::size_t resume_from = cut > 2 ? cut - 2 : 0;
            EXPECT_EQ(find_head_end(request, resume_from), request.size()) << cut;
        }
    }
}

TEST(RequestHead, RejectsMalformedRequestLines)
{
    for (const std::string_view bad : {
             "\r\n",
             "GET\r\n\r\n",
             "GET /\r\n\r\n",
             "GET  / HTTP/1.1\r\n\r\n",
             "GET / HTTP/1.1 \r\n\r\n",
             "GET /  HTTP/1.1\r\n\r\n",
             " GET / HTTP/1.1\r\n\r\n",
             "GET\t/ HTTP/1.1\r\n\r\n",
             "G(T / HTTP/1.1\r\n\r\n",
             "GET /a\x01 HTTP/1.1\r\n\r\n",
             "GET /\r HTTP/1.1\r\n\r\n",
             "GET / http/1.1\r\n\r\n",
             "GET / HTTP/1\r\n\r\n",
             "GET / HTTP/1.10\r\n\r\n",
             "GET / HTTP/x.1\r\n\r\n",
             "GET / FOO/1.1\r\n\r\n",
         })
    {
        expect_error(bad, error::malformed_request_line);
    }
    expect_error("GET /\0 HTTP/1.1\r\n\r\n"sv, error::malformed_request_line);
}

TEST(RequestHead, RejectsUnsupportedHttpVersions)
{
    expect_error("GET / HTTP/2.0\r\n\r\n", error::unsupported_http_version);
    expect_error("GET / HTTP/0.9\r\n\r\n", error::unsupported_http_version);
    expect_error("GET / HTTP/1.2\r\n\r\n", error::unsupported_http_version);
}

TEST(RequestHead, RejectsMalformedHeaders)
{
    for (const std::string_view bad : {
             "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",     // obs-fold with space
             "GET / HTTP/1.1\r\nHost: a\r\n\tfolded: x\r\n\r\n", // obs-fold with tab
             "GET / HTTP/1.1\r\nHost : a\r\n\r\n",               // space before the colon
             "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",              // tab before the colon
             "GET / HTTP/1.1\r\n: a\r\n\r\n",                    // empty name
             "GET / HTTP/1.1\r\nno colon here\r\n\r\n",          // no colon
             "GET / HTTP/1.1\r\nX(y): a\r\n\r\n",                // non-token name
             "GET / HTTP/1.1\r\nX-A: a\x01z\r\n\r\n",            // control character
             "GET / HTTP/1.1\r\nX-A: a\rz\r\n\r\n",              // bare CR
             "GET / HTTP/1.1\r\nX-A: a\x7Fz\r\n\r\n",            // DEL
             "GET / HTTP/1.1\r\nX-A: a\r\r\n\r\n",               // CR CR LF
         })
    {
        expect_error(bad, error::malformed_header);
    }
    expect_error("GET / HTTP/1.1\r\nX-A: a\0z\r\n\r\n"sv, error::malformed_header);
}

TEST(RequestHead, AllowsObsTextAndTabsInValues)
{
    const auto parsed = parse_request_head("GET / HTTP/1.1\r\nX-A: caf\xC3\xA9\tb\r\n\r\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->find("x-a"), "caf\xC3\xA9\tb");
}

TEST(Iequals, ComparesAsciiCaseInsensitively)
{
    EXPECT_TRUE(iequals("WebSocket", "websocket"));
    EXPECT_TRUE(iequals("", ""));
    EXPECT_FALSE(iequals("websocket", "websockets"));
    EXPECT_FALSE(iequals("a", "b"));
    EXPECT_FALSE(iequals("\xC3\xA9", "\xC3\x89"));
}

TEST(SplitList, TrimsAndDropsEmptyElements)
{
    EXPECT_EQ(split_list(" binary , chat"), (std::vector<std::string_view>{"binary", "chat"}));
    EXPECT_EQ(split_list("a,,b, ,\tc\t"), (std::vector<std::string_view>{"a", "b", "c"}));
    EXPECT_TRUE(split_list("").empty());
    EXPECT_TRUE(split_list(" , ,").empty());
}

TEST(HasToken, FindsTokensCaseInsensitively)
{
    EXPECT_TRUE(has_token("keep-alive, Upgrade", "upgrade"));
    EXPECT_TRUE(has_token("Upgrade", "upgrade"));
    EXPECT_TRUE(has_token("a,UPGRADE ,b", "Upgrade"));
    EXPECT_FALSE(has_token("keep-alive", "upgrade"));
    EXPECT_FALSE(has_token("upgrades", "upgrade"));
    EXPECT_FALSE(has_token("", "upgrade"));
    EXPECT_FALSE(has_token("a,,b", ""));
}

TEST(QueryParameter, DecodesPercentEscapes)
{
    EXPECT_EQ(query_parameter("/path?token=a%20b&x=1", "token"), "a b");
    EXPECT_EQ(query_parameter("/path?token=a%20b&x=1", "x"), "1");
    EXPECT_EQ(query_parameter("/?token=a+b%2Bc%2fd", "token"), "a b+c/d");
    EXPECT_EQ(query_parameter("/?t%6Fken=v", "token"), "v");
    EXPECT_EQ(query_parameter("/?token=%zz%4%", "token"), "%zz%4%");
    EXPECT_EQ(query_parameter("/?token=a=b", "token"), "a=b");
}

TEST(QueryParameter, ReturnsNulloptWhenAbsent)
{
    EXPECT_EQ(query_parameter("/websockify", "token"), std::nullopt);
    EXPECT_EQ(query_parameter("/websockify?", "token"), std::nullopt);
    EXPECT_EQ(query_parameter("/?tokens=a&xtoken=b", "token"), std::nullopt);
    EXPECT_EQ(query_parameter("/#?token=a", "token"), std::nullopt);
    EXPECT_EQ(query_parameter("/?x=1#token=a", "token"), std::nullopt);
}

TEST(QueryParameter, FirstOccurrenceWinsAndEmptyValuesArePresent)
{
    EXPECT_EQ(query_parameter("/?token=one&token=two", "token"), "one");
    EXPECT_EQ(query_parameter("/?a&&token&b=2", "token"), "");
    EXPECT_EQ(query_parameter("/?token=", "token"), "");
    EXPECT_EQ(query_parameter("/?token=abc#frag", "token"), "abc");
}

} // namespace
} // namespace websockify::http
