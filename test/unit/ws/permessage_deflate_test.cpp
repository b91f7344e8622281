#include "websockify/ws/permessage_deflate.hpp"

#include "websockify/http/request_head.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <string_view>

namespace websockify::ws
{
namespace
{

/// The response header value for an offer, or "declined".
std::string answer(std::string_view offers, int window_limit = max_window_bits)
{
    const auto agreed = negotiate_permessage_deflate(offers, window_limit);
    return agreed ? format_deflate_response(*agreed) : "declined";
}

TEST(PermessageDeflate, AcceptsBareOffer)
{
    const auto agreed = negotiate_permessage_deflate("permessage-deflate");
    ASSERT_TRUE(agreed);
    EXPECT_FALSE(agreed->server_no_context_takeover);
    EXPECT_FALSE(agreed->client_no_context_takeover);
    EXPECT_EQ(agreed->server_max_window_bits, 15);
    EXPECT_EQ(agreed->client_max_window_bits, 15);
    EXPECT_EQ(format_deflate_response(*agreed), "permessage-deflate");
}

TEST(PermessageDeflate, DeclinesWhenNothingOffered)
{
    EXPECT_EQ(answer(""), "declined");
    EXPECT_EQ(answer("x-webkit-deflate-frame"), "declined");
    EXPECT_EQ(answer("permessage-deflate-x"), "declined");
}

TEST(PermessageDeflate, AnswersBrowserOffer)
{
    // Chrome and Firefox send exactly this.
    EXPECT_EQ(answer("permessage-deflate; client_max_window_bits"),
              "permessage-deflate; client_max_window_bits=15");
}

TEST(PermessageDeflate, AnswersPythonWebsocketsOffer)
{
    // websockets 10 offers client_max_window_bits without a value and nothing else.
    const auto agreed = negotiate_permessage_deflate("permessage-deflate; client_max_window_bits");
    ASSERT_TRUE(agreed);
    EXPECT_TRUE(agreed->answer_client_window);
    EXPECT_FALSE(agreed->answer_server_window);
}

TEST(PermessageDeflate, EchoesNoContextTakeover)
{
    const auto agreed = negotiate_permessage_deflate(
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    ASSERT_TRUE(agreed);
    EXPECT_TRUE(agreed->server_no_context_takeover);
    EXPECT_TRUE(agreed->client_no_context_takeover);
    EXPECT_EQ(format_deflate_response(*agreed),
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
}

TEST(PermessageDeflate, HonoursServerMaxWindowBits)
{
    const auto agreed =
        negotiate_permessage_deflate("permessage-deflate; server_max_window_bits=10");
    ASSERT_TRUE(agreed);
    EXPECT_EQ(agreed->server_max_window_bits, 10);
    EXPECT_EQ(format_deflate_response(*agreed), "permessage-deflate; server_max_window_bits=10");
}

TEST(PermessageDeflate, AcceptsQuotedWindowBits)
{
    // RFC 6455 §9.1: a quoted-string value that unquotes to a token is the same value.
    EXPECT_EQ(answer("permessage-deflate; server_max_window_bits=\"12\""),
              "permessage-deflate; server_max_window_bits=12");
}

TEST(PermessageDeflate, UsesClientWindowHint)
{
    EXPECT_EQ(answer("permessage-deflate; client_max_window_bits=9"),
              "permessage-deflate; client_max_window_bits=9");
    const auto agreed =
        negotiate_permessage_deflate("permessage-deflate; client_max_window_bits=8");
    ASSERT_TRUE(agreed);
    EXPECT_EQ(agreed->client_max_window_bits, 8);
}

TEST(PermessageDeflate, DeclinesServerWindowZlibCannotWrite)
{
    // zlib has no raw deflate with a 256-byte window, so a demand for 8 is declined.
    EXPECT_EQ(answer("permessage-deflate; server_max_window_bits=8"), "declined");
}

TEST(PermessageDeflate, FallsBackToNextOffer)
{
    EXPECT_EQ(answer("permessage-deflate; server_max_window_bits=8, permessage-deflate; "
                     "client_max_window_bits"),
              "permessage-deflate; client_max_window_bits=15");
    EXPECT_EQ(answer("permessage-deflate; bogus, permessage-deflate"), "permessage-deflate");
    EXPECT_EQ(answer("foo; bar=1, permessage-deflate; server_no_context_takeover"),
              "permessage-deflate; server_no_context_takeover");
}

TEST(PermessageDeflate, AcceptsFirstAcceptableOffer)
{
    EXPECT_EQ(answer("permessage-deflate; server_max_window_bits=11, permessage-deflate"),
              "permessage-deflate; server_max_window_bits=11");
}

TEST(PermessageDeflate, DeclinesInvalidParameters)
{
    for (const std::string_view offer : {
             "permessage-deflate; unknown_parameter",
             "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
             "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
             "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
             "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
             "permessage-deflate; server_max_window_bits",
             "permessage-deflate; server_max_window_bits=16",
             "permessage-deflate; server_max_window_bits=7",
             "permessage-deflate; server_max_window_bits=010",
             "permessage-deflate; server_max_window_bits=1a",
             "permessage-deflate; client_max_window_bits=0",
             "permessage-deflate; client_max_window_bits=",
             "permessage-deflate; server_no_context_takeover=1",
             "permessage-deflate; client_no_context_takeover=\"x\"",
             "permessage-deflate; =5",
             "permessage-deflate;",
             "permessage-deflate; server_max_window_bits=\"1 0\"",
             "permessage-deflate; server_max_window_bits=\"10",
         })
    {
        EXPECT_EQ(answer(offer), "declined") << offer;
    }
}

TEST(PermessageDeflate, ParameterNamesAreExact)
{
    EXPECT_EQ(answer("permessage-deflate; Server_No_Context_Takeover"), "declined");
}

TEST(PermessageDeflate, ToleratesWhitespaceAndEmptyElements)
{
    EXPECT_EQ(answer(" , permessage-deflate ;\tclient_no_context_takeover ,"),
              "permessage-deflate; client_no_context_takeover");
}

TEST(PermessageDeflate, WindowLimitCapsBothWindows)
{
    EXPECT_EQ(answer("permessage-deflate; client_max_window_bits", 12),
              "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12");
    EXPECT_EQ(answer("permessage-deflate; client_max_window_bits=10", 12),
              "permessage-deflate; server_max_window_bits=12; client_max_window_bits=10");
    EXPECT_EQ(answer("permessage-deflate; server_max_window_bits=10", 12),
              "permessage-deflate; server_max_window_bits=10");
}

TEST(PermessageDeflate, ClientWithoutWindowParameterKeepsFullWindow)
{
    // RFC 7692 §7.1.2.2: the client did not offer client_max_window_bits, so it may use 15 and
    // must not be told otherwise.
    const auto agreed = negotiate_permessage_deflate("permessage-deflate", 10);
    ASSERT_TRUE(agreed);
    EXPECT_EQ(agreed->client_max_window_bits, 15);
    EXPECT_FALSE(agreed->answer_client_window);
    EXPECT_EQ(format_deflate_response(*agreed), "permessage-deflate; server_max_window_bits=10");
}

TEST(PermessageDeflate, JoinsEveryExtensionsHeaderLine)
{
    const auto head = http::parse_request_head("GET / HTTP/1.1\r\n"
                                               "Sec-WebSocket-Extensions: foo\r\n"
                                               "Host: x\r\n"
                                               "sec-websocket-extensions: permessage-deflate\r\n"
                                               "\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(extension_offers(*head), "foo, permessage-deflate");
    EXPECT_EQ(answer(extension_offers(*head)), "permessage-deflate");
}

} // namespace
} // namespace websockify::ws
