#include "websockify/ws/handshake.hpp"

#include "websockify/error/error.hpp"
#include "websockify/http/request_head.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace websockify::ws
{
namespace
{

constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";

/// An upgrade request built from the RFC 6455 §1.2 example, with `extra` header lines added and
/// every header named in `drop` left out.
http::request_head make_head(std::string_view extra = "",
                             const std::vector<std::string_view>& drop = {},
                             std::string_view request_line = "GET /chat?token=t1 HTTP/1.1")
{
    const std::vector<std::pair<std::string_view, std::string_view>> standard{
        {"Host", "server.example.com"},   {"Upgrade", "websocket"},
        {"Connection", "Upgrade"},        {"Sec-WebSocket-Key", sample_key},
        {"Origin", "http://example.com"}, {"Sec-WebSocket-Version", "13"},
    };
    std::string text(request_line);
    text += "\r\n";
    for (const auto& [name, value] : standard)
    {
        if (std::find(drop.begin(), drop.end(), name) == drop.end())
        {
            text += std::string(name) + ": " + std::string(value) + "\r\n";
        }
    }
    text += extra;
    text += "\r\n";
    auto parsed = http::parse_request_head(text);
    EXPECT_TRUE(parsed) << text;
    return parsed ? *parsed : http::request_head{};
}

void expect_rejected(const http::request_head& head, error expected)
{
    const auto validated = validate_upgrade(head);
    ASSERT_FALSE(validated);
    EXPECT_EQ(validated.error(), expected) << validated.error().message();
}

TEST(Handshake, AcceptsRfcExampleRequest)
{
    const auto validated = validate_upgrade(make_head());
    ASSERT_TRUE(validated) << validated.error().message();
    EXPECT_EQ(validated->key, sample_key);
    EXPECT_EQ(validated->target, "/chat?token=t1");
    EXPECT_EQ(validated->version, 13);
    EXPECT_TRUE(validated->protocols.empty());
}

TEST(Handshake, AcceptsVersions13And8And7)
{
    for (const int version : {13, 8, 7})
    {
        const auto head = make_head("Sec-WebSocket-Version: " + std::to_string(version) + "\r\n",
                                    {"Sec-WebSocket-Version"});
        const auto validated = validate_upgrade(head);
        ASSERT_TRUE(validated) << version;
        EXPECT_EQ(validated->version, version);
    }
}

TEST(Handshake, RejectsOtherVersionsWith426)
{
    for (const std::string_view version : {"6", "14", "abc", "013", "13, 8", "0", ""})
    {
        const auto head = make_head("Sec-WebSocket-Version: " + std::string(version) + "\r\n",
                                    {"Sec-WebSocket-Version"});
        expect_rejected(head, error::unsupported_version);
        EXPECT_EQ(status_for(make_error_code(error::unsupported_version)), 426);
    }
}

TEST(Handshake, RejectsDuplicateVersion)
{
    expect_rejected(make_head("Sec-WebSocket-Version: 13\r\n"), error::unsupported_version);
}

TEST(Handshake, RejectsMissingVersion)
{
    expect_rejected(make_head("", {"Sec-WebSocket-Version"}), error::missing_version);
}

TEST(Handshake, RejectsNonGetMethod)
{
    expect_rejected(make_head("", {}, "POST /chat HTTP/1.1"), error::bad_method);
    expect_rejected(make_head("", {}, "get /chat HTTP/1.1"), error::bad_method);
}

TEST(Handshake, RejectsHttp10)
{
    expect_rejected(make_head("", {}, "GET /chat HTTP/1.0"), error::unsupported_http_version);
}

TEST(Handshake, RejectsMissingOrWrongUpgrade)
{
    expect_rejected(make_head("", {"Upgrade"}), error::not_an_upgrade);
    expect_rejected(make_head("Upgrade: h2c\r\n", {"Upgrade"}), error::not_an_upgrade);
    expect_rejected(make_head("Upgrade: websockets\r\n", {"Upgrade"}), error::not_an_upgrade);
}

TEST(Handshake, RejectsMissingConnectionUpgrade)
{
    expect_rejected(make_head("", {"Connection"}), error::missing_connection_upgrade);
    expect_rejected(make_head("Connection: keep-alive\r\n", {"Connection"}),
                    error::missing_connection_upgrade);
}

TEST(Handshake, RejectsMissingKey)
{
    expect_rejected(make_head("", {"Sec-WebSocket-Key"}), error::missing_key);
}

TEST(Handshake, RejectsBadKeys)
{
    for (const std::string_view key : {
             "",
             "dGhlIHNhbXBsZSBub25jZQ",     // unpadded
             "dGhlIHNhbXBsZSBub25jZQ=",    // bad length
             "dGhlIHNhbXBsZSBub25j",       // 15 bytes
             "dGhlIHNhbXBsZSBub25jZTE=",   // 17 bytes
             "dGhlIHNhbXBsZSBub25jZQ==ab", // trailing data
             "dGhlIHNhbXBsZSBub25j!Q==",   // bad character
         })
    {
        expect_rejected(
            make_head("Sec-WebSocket-Key: " + std::string(key) + "\r\n", {"Sec-WebSocket-Key"}),
            error::bad_key);
    }
}

TEST(Handshake, RejectsDuplicateKey)
{
    expect_rejected(make_head("Sec-WebSocket-Key: " + std::string(sample_key) + "\r\n"),
                    error::bad_key);
}

TEST(Handshake, TokensAndNamesAreCaseInsensitive)
{
    const auto head =
        make_head("upgrade: WebSocket\r\nCONNECTION: upgrade\r\n"
                  "sec-websocket-key: " +
                      std::string(sample_key) + "\r\nsec-websocket-version: 13\r\n",
                  {"Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"});
    EXPECT_TRUE(is_websocket_request(head));
    const auto validated = validate_upgrade(head);
    ASSERT_TRUE(validated) << validated.error().message();
    EXPECT_EQ(validated->key, sample_key);
}

TEST(Handshake, AcceptsFirefoxConnectionList)
{
    const auto head = make_head("Connection: keep-alive, Upgrade\r\n", {"Connection"});
    EXPECT_TRUE(validate_upgrade(head));
}

TEST(Handshake, AcceptsTokensSpreadOverSeveralLines)
{
    const auto head = make_head("Connection: keep-alive\r\nConnection: Upgrade\r\n"
                                "Upgrade: h2c\r\nUpgrade: websocket\r\n",
                                {"Connection", "Upgrade"});
    EXPECT_TRUE(validate_upgrade(head));
}

TEST(Handshake, TellsWebRequestsFromUpgrades)
{
    EXPECT_TRUE(is_websocket_request(make_head()));
    EXPECT_FALSE(is_websocket_request(make_head("", {"Upgrade"})));
    EXPECT_TRUE(is_websocket_request(make_head("Upgrade: foo, WEBSOCKET\r\n", {"Upgrade"})));
}

TEST(Handshake, CollectsProtocolsInClientOrder)
{
    const auto head = make_head("Sec-WebSocket-Protocol:  base64 , chat\r\n"
                                "Sec-WebSocket-Protocol: binary\r\n");
    const auto validated = validate_upgrade(head);
    ASSERT_TRUE(validated);
    EXPECT_EQ(validated->protocols, (std::vector<std::string>{"base64", "chat", "binary"}));
}

subprotocol choice_for(std::string_view header_value)
{
    const auto validated = validate_upgrade(
        make_head("Sec-WebSocket-Protocol: " + std::string(header_value) + "\r\n"));
    EXPECT_TRUE(validated) << header_value;
    return validated ? choose_subprotocol(validated->protocols) : subprotocol::none;
}

TEST(Handshake, ChoosesSubprotocol)
{
    EXPECT_EQ(choice_for("binary"), subprotocol::binary);
    EXPECT_EQ(choice_for("base64"), subprotocol::base64);
    EXPECT_EQ(choice_for("base64, binary"), subprotocol::binary);
    EXPECT_EQ(choice_for("chat"), subprotocol::none);
    EXPECT_EQ(choice_for(" binary , chat"), subprotocol::binary);
    EXPECT_EQ(choice_for("chat, base64"), subprotocol::base64);
    EXPECT_EQ(choice_for("Binary"), subprotocol::none);
    EXPECT_EQ(choose_subprotocol({}), subprotocol::none);
    EXPECT_EQ(choose_subprotocol({" binary ", "chat"}), subprotocol::binary);
}

TEST(Handshake, NamesSubprotocols)
{
    EXPECT_EQ(to_string(subprotocol::none), "");
    EXPECT_EQ(to_string(subprotocol::binary), "binary");
    EXPECT_EQ(to_string(subprotocol::base64), "base64");
}

TEST(Handshake, MakesRfcAcceptKey)
{
    EXPECT_EQ(make_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(Handshake, FormatsExact101)
{
    const auto validated = validate_upgrade(make_head());
    ASSERT_TRUE(validated);
    EXPECT_EQ(format_upgrade_response(*validated, subprotocol::binary),
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "Sec-WebSocket-Protocol: binary\r\n"
              "\r\n");
    EXPECT_EQ(format_upgrade_response(*validated, subprotocol::none),
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "\r\n");
}

TEST(Handshake, MapsErrorsToStatuses)
{
    EXPECT_EQ(status_for(make_error_code(error::unsupported_version)), 426);
    EXPECT_EQ(status_for(make_error_code(error::header_too_large)), 431);
    EXPECT_EQ(status_for(make_error_code(error::bad_method)), 405);
    for (const auto e :
         {error::malformed_request_line, error::malformed_header, error::unsupported_http_version,
          error::not_an_upgrade, error::missing_connection_upgrade, error::missing_key,
          error::bad_key, error::missing_version})
    {
        EXPECT_EQ(status_for(make_error_code(e)), 400);
    }
}

TEST(Handshake, FormatsExact426)
{
    EXPECT_EQ(format_upgrade_error(make_error_code(error::unsupported_version)),
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Connection: close\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Content-Length: 78\r\n"
              "\r\n"
              "426 Upgrade Required: unsupported Sec-WebSocket-Version (supported: 13, 8, 7)\n");
}

TEST(Handshake, FormatsExact400)
{
    EXPECT_EQ(format_upgrade_error(make_error_code(error::missing_key)),
              "HTTP/1.1 400 Bad Request\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Connection: close\r\n"
              "Content-Length: 50\r\n"
              "\r\n"
              "400 Bad Request: missing Sec-WebSocket-Key header\n");
}

TEST(Handshake, FormatsExact405WithAllow)
{
    EXPECT_EQ(format_upgrade_error(make_error_code(error::bad_method)),
              "HTTP/1.1 405 Method Not Allowed\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Connection: close\r\n"
              "Allow: GET\r\n"
              "Content-Length: 55\r\n"
              "\r\n"
              "405 Method Not Allowed: WebSocket upgrade must use GET\n");
}

} // namespace
} // namespace websockify::ws
