// Fuzzes the HTTP request-head parser (http/request_head.hpp): find_head_end,
// parse_request_head and the header-value helpers, on bytes as a client could send them.
//
// Properties checked besides "no crash":
//  - find_head_end finds the same end on the head alone and nothing on any shorter prefix tried,
//    so reading the head in any chunking stops at the same byte;
//  - a parsed head holds only what the grammar allows, and re-serialising it parses back equal;
//  - has_token agrees with split_list, whose items are trimmed and never empty;
//  - query_parameter recovers any name and value from a fully percent-encoded query.

#include "fuzz_support.hpp"
#include "websockify/http/request_head.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;

bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

bool is_control_except_tab(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
}

bool is_token_char(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F &&
           std::string_view("\"(),/:;<=>?@[\\]{}").find(c) == std::string_view::npos;
}

void check_head_end(std::string_view text)
{
    const auto end = http::find_head_end(text);
    if (!end)
    {
        return;
    }
    FUZZ_REQUIRE(*end >= 2 && *end <= text.size());
    FUZZ_REQUIRE(text[*end - 1] == '\n');
    FUZZ_REQUIRE(http::find_head_end(text.substr(0, *end)) == end);
    // A reader that calls find_head_end on every read must not stop early.
    FUZZ_REQUIRE(!http::find_head_end(text.substr(0, *end - 1)));
    FUZZ_REQUIRE(!http::find_head_end(text.substr(0, *end / 2)));
}

std::string serialise(const http::request_head& head)
{
    std::string out = head.method + ' ' + head.target + ' ' + head.version + "\r\n";
    for (const auto& field : head.headers)
    {
        out += field.name + ": " + field.value + "\r\n";
    }
    return out + "\r\n";
}

void check_lists(std::string_view list)
{
    const auto items = http::split_list(list);
    for (const auto item : items)
    {
        FUZZ_REQUIRE(!item.empty());
        FUZZ_REQUIRE(item.find(',') == std::string_view::npos);
        FUZZ_REQUIRE(!is_ows(item.front()) && !is_ows(item.back()));
        FUZZ_REQUIRE(http::has_token(list, item));
    }
    for (const std::string_view token : {"upgrade", "websocket", "keep-alive"})
    {
        const bool listed =
            std::any_of(items.begin(), items.end(),
                        [&](std::string_view item) { return http::iequals(item, token); });
        FUZZ_REQUIRE(http::has_token(list, token) == listed);
    }
}

void check_parsed(const http::request_head& head)
{
    FUZZ_REQUIRE(!head.method.empty() &&
                 std::all_of(head.method.begin(), head.method.end(), is_token_char));
    FUZZ_REQUIRE(!head.target.empty());
    FUZZ_REQUIRE(std::none_of(head.target.begin(), head.target.end(),
                              [](char c)
                              { return c == ' ' || is_control_except_tab(c) || c == '\t'; }));
    FUZZ_REQUIRE(head.version == "HTTP/1.1" || head.version == "HTTP/1.0");
    for (const auto& field : head.headers)
    {
        FUZZ_REQUIRE(!field.name.empty() &&
                     std::all_of(field.name.begin(), field.name.end(), is_token_char));
        FUZZ_REQUIRE(std::none_of(field.value.begin(), field.value.end(), is_control_except_tab));
        FUZZ_REQUIRE(field.value.empty() ||
                     (!is_ows(field.value.front()) && !is_ows(field.value.back())));
        const auto first = head.find(field.name);
        FUZZ_REQUIRE(first.has_value() && head.count(field.name) >= 1);
        check_lists(field.value);
    }

    const auto again = http::parse_request_head(serialise(head));
    FUZZ_REQUIRE(again.has_value());
    FUZZ_REQUIRE(again->method == head.method && again->target == head.target &&
                 again->version == head.version);
    FUZZ_REQUIRE(again->headers.size() == head.headers.size());
    for (std::size_t i = 0; i < head.headers.size(); ++i)
    {
        FUZZ_REQUIRE(again->headers[i].name == head.headers[i].name);
        FUZZ_REQUIRE(again->headers[i].value == head.headers[i].value);
    }
}

std::string percent_encode_all(std::string_view s)
{
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (const char c : s)
    {
        const auto u = static_cast<unsigned char>(c);
        out += '%';
        out += hex[u >> 4U];
        out += hex[u & 0xFU];
    }
    return out;
}

void check_query_round_trip(std::string_view text)
{
    const auto name = text.substr(0, 8);
    const auto value = text.substr(name.size(), 64);
    // A decoy first: the first occurrence wins, so it must be skipped unless it is the name.
    const std::string target =
        "/websockify?a=1&" + percent_encode_all(name) + '=' + percent_encode_all(value) + "#a=2";
    const auto found = http::query_parameter(target, name);
    FUZZ_REQUIRE(found.has_value());
    FUZZ_REQUIRE(name == "a" ? *found == "1" : *found == value);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = as_text(data, size);
    check_head_end(text);
    check_query_round_trip(text);

    const auto end = http::find_head_end(text);
    auto head = http::parse_request_head(end ? text.substr(0, *end) : text);
    if (head)
    {
        check_parsed(*head);
        for (const std::string_view name : {"token", "path", ""})
        {
            (void)http::query_parameter(head->target, name);
        }
    }
    return 0;
}
