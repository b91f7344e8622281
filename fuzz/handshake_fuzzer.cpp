// Fuzzes the opening-handshake checks on parsed request heads: RFC 6455 (ws/handshake.hpp:
// validate_upgrade, choose_subprotocol, format_upgrade_response/error) and the Hixie-75/76
// drafts (ws/hixie.hpp: validate_hixie, parse_hixie_key, the challenge and the response).
//
// Input: a request head; for draft 76, the 8 bytes after its empty line are key3 (as on the
// wire), zero-padded when missing.
//
// Properties checked besides "no crash":
//  - an accepted upgrade has a single key that is base64 of 16 bytes, version 13, 8 or 7, and
//    trimmed, non-empty protocols; choose_subprotocol prefers binary, then base64;
//  - every response is one well-formed head: its status line, then exactly the header lines
//    expected (no value can add a line), then the empty line; the 101's accept key is the key's;
//  - an RFC 6455 request is never also a Hixie one, and an accepted Hixie request is one;
//  - parse_hixie_key agrees with a simple reference; the challenge from the parsed keys equals
//    the one from the raw key strings.

#include "fuzz_support.hpp"
#include "websockify/codec/base64.hpp"
#include "websockify/http/request_head.hpp"
#include "websockify/ws/handshake.hpp"
#include "websockify/ws/hixie.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;

/// The header section of a response (before the first empty line) split into lines; checks
/// that no line holds a bare CR or LF.
std::vector<std::string_view> response_lines(std::string_view response)
{
    const auto end = response.find("\r\n\r\n");
    FUZZ_REQUIRE(end != std::string_view::npos);
    auto head = response.substr(0, end + 2);
    std::vector<std::string_view> lines;
    while (!head.empty())
    {
        const auto crlf = head.find("\r\n");
        const auto line = head.substr(0, crlf);
        FUZZ_REQUIRE(line.find_first_of("\r\n") == std::string_view::npos);
        lines.push_back(line);
        head.remove_prefix(crlf + 2);
    }
    return lines;
}

bool has_line(const std::vector<std::string_view>& lines, std::string_view wanted)
{
    return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

void check_upgrade(const http::request_head& head)
{
    const auto request = ws::validate_upgrade(head);
    if (!request)
    {
        const auto status = ws::status_for(request.error());
        FUZZ_REQUIRE(status == 400 || status == 405 || status == 426);
        const auto response = ws::format_upgrade_error(request.error());
        const auto lines = response_lines(response);
        FUZZ_REQUIRE(lines.front().starts_with("HTTP/1.1 " + std::to_string(status) + ' '));
        const auto body_size = response.size() - response.find("\r\n\r\n") - 4;
        FUZZ_REQUIRE(has_line(lines, "Content-Length: " + std::to_string(body_size)));
        return;
    }
    FUZZ_REQUIRE(ws::is_websocket_request(head));
    FUZZ_REQUIRE(!ws::is_hixie_request(head));
    FUZZ_REQUIRE(request->version == 13 || request->version == 8 || request->version == 7);
    FUZZ_REQUIRE(request->target == head.target);
    FUZZ_REQUIRE(head.count("Sec-WebSocket-Key") == 1);
    const auto key = codec::base64_decode(request->key);
    FUZZ_REQUIRE(key && key->size() == 16);
    for (const auto& protocol : request->protocols)
    {
        FUZZ_REQUIRE(!protocol.empty() && protocol.find(',') == std::string::npos);
        FUZZ_REQUIRE(protocol.front() != ' ' && protocol.back() != ' ');
    }

    const auto& offered = request->protocols;
    const auto chosen = ws::choose_subprotocol(offered);
    const auto offers = [&](std::string_view p)
    { return std::find(offered.begin(), offered.end(), p) != offered.end(); };
    const auto expected = offers("binary")   ? ws::subprotocol::binary
                          : offers("base64") ? ws::subprotocol::base64
                                             : ws::subprotocol::none;
    FUZZ_REQUIRE(chosen == expected);

    const auto response = ws::format_upgrade_response(*request, chosen);
    const auto lines = response_lines(response);
    FUZZ_REQUIRE(lines.front().starts_with("HTTP/1.1 101 "));
    const auto accept = ws::make_accept_key(request->key);
    FUZZ_REQUIRE(accept.size() == 28);
    FUZZ_REQUIRE(has_line(lines, "Sec-WebSocket-Accept: " + accept));
    FUZZ_REQUIRE(lines.size() == (chosen == ws::subprotocol::none ? 4U : 5U));
    FUZZ_REQUIRE(response.size() == response.find("\r\n\r\n") + 4);
}

/// draft-76 §5.2 from the text of the draft: the digits as one number, divided by the spaces.
result<std::uint32_t> reference_hixie_key(std::string_view key)
{
    std::string digits;
    std::uint64_t spaces = 0;
    for (const char c : key)
    {
        if (c >= '0' && c <= '9')
        {
            digits += c;
        }
        spaces += c == ' ' ? 1 : 0;
    }
    const auto significant = digits.find_first_not_of('0');
    const auto number_text = significant == std::string::npos ? "0" : digits.substr(significant);
    if (number_text.size() > 10 || std::stoull(number_text) > 0xFFFF'FFFFULL)
    {
        return ws::hixie_error::key_too_large;
    }
    if (digits.empty())
    {
        return ws::hixie_error::key_without_digits;
    }
    if (spaces == 0)
    {
        return ws::hixie_error::key_without_spaces;
    }
    const auto number = std::stoull(number_text);
    if (number % spaces != 0)
    {
        return ws::hixie_error::key_not_multiple;
    }
    return static_cast<std::uint32_t>(number / spaces);
}

void check_hixie_key(std::string_view key)
{
    const auto parsed = ws::parse_hixie_key(key);
    const auto expected = reference_hixie_key(key);
    FUZZ_REQUIRE(parsed.error() == expected.error());
    FUZZ_REQUIRE(!parsed || *parsed == *expected);
}

void check_hixie(const http::request_head& head, ws::hixie76_key3 key3)
{
    for (const std::string_view name : {"Sec-WebSocket-Key1", "Sec-WebSocket-Key2"})
    {
        if (const auto key = head.find(name))
        {
            check_hixie_key(*key);
        }
    }
    const auto request = ws::validate_hixie(head);
    if (!request)
    {
        return;
    }
    FUZZ_REQUIRE(ws::is_hixie_request(head));
    FUZZ_REQUIRE(request->draft == 75 || request->draft == 76);
    FUZZ_REQUIRE(!request->host.empty() && request->target == head.target);

    std::optional<ws::hixie76_answer> answer;
    if (request->draft == 76)
    {
        answer = ws::hixie76_challenge(request->key1, request->key2, key3);
        const auto from_strings = ws::hixie76_challenge(*head.find("Sec-WebSocket-Key1"),
                                                        *head.find("Sec-WebSocket-Key2"), key3);
        FUZZ_REQUIRE(from_strings && *from_strings == *answer);
    }
    for (const bool tls : {false, true})
    {
        const auto response = ws::format_hixie_response(*request, tls, answer);
        const auto lines = response_lines(response);
        // Status, Upgrade, Connection, Origin, Location, and Protocol when one was asked for.
        FUZZ_REQUIRE(lines.size() == (request->protocol.empty() ? 5U : 6U));
        FUZZ_REQUIRE(lines[4].find(tls ? ": wss://" : ": ws://") != std::string_view::npos);
        const auto body_size = response.size() - response.find("\r\n\r\n") - 4;
        FUZZ_REQUIRE(body_size == (answer ? ws::hixie76_answer_size : 0U));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = as_text(data, size);
    const auto end = http::find_head_end(text);
    const auto head = http::parse_request_head(end ? text.substr(0, *end) : text);
    check_hixie_key(text.substr(0, 64));
    if (!head)
    {
        return 0;
    }
    std::array<std::byte, ws::hixie76_key3_size> key3{};
    if (end)
    {
        const auto after = websockify::fuzz::as_bytes(data + *end, size - *end);
        std::copy_n(after.begin(), std::min(after.size(), key3.size()), key3.begin());
    }
    check_upgrade(*head);
    check_hixie(*head, key3);
    return 0;
}
