#include "websockify/ws/handshake.hpp"

#include "websockify/codec/base64.hpp"
#include "websockify/codec/sha1.hpp"
#include "websockify/error/error.hpp"
#include "websockify/http/response.hpp"

#include <algorithm>

namespace websockify::ws
{
namespace
{

/// RFC 6455 §1.3: the GUID appended to the client key before hashing.
constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Does any header line of this name list the token? Upgrade and Connection are lists that a
/// client may also spread over several lines (RFC 9110 §5.3).
bool any_has_token(const http::request_head& head, std::string_view name,
                   std::string_view token) noexcept
{
    return std::any_of(head.headers.begin(), head.headers.end(),
                       [&](const http::header_field& h)
                       { return http::iequals(h.name, name) && http::has_token(h.value, token); });
}

/// Only the exact decimal forms: HyBi-07 and -08 framing is that of RFC 6455 (version 13).
int parse_version(std::string_view value) noexcept
{
    if (value == "13")
    {
        return 13;
    }
    if (value == "8")
    {
        return 8;
    }
    if (value == "7")
    {
        return 7;
    }
    return 0;
}

constexpr std::string_view trim_ows(std::string_view s) noexcept
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
    {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

} // namespace

std::string_view to_string(subprotocol p) noexcept
{
    switch (p)
    {
    case subprotocol::binary:
        return "binary";
    case subprotocol::base64:
        return "base64";
    case subprotocol::none:
        break;
    }
    return "";
}

bool is_websocket_request(const http::request_head& head) noexcept
{
    return any_has_token(head, "Upgrade", "websocket");
}

result<upgrade_request> validate_upgrade(const http::request_head& head)
{
    if (head.method != "GET")
    {
        return error::bad_method;
    }
    if (head.version != "HTTP/1.1")
    {
        return error::unsupported_http_version;
    }
    if (!is_websocket_request(head))
    {
        return error::not_an_upgrade;
    }
    if (!any_has_token(head, "Connection", "Upgrade"))
    {
        return error::missing_connection_upgrade;
    }

    // The version is checked before the key: a client of another draft may format its key
    // differently, and the 426 answer tells it which version to retry with (RFC 6455 §4.4).
    const auto version_header = head.find("Sec-WebSocket-Version");
    if (!version_header)
    {
        return error::missing_version;
    }
    const int version = parse_version(*version_header);
    if (version == 0 || head.count("Sec-WebSocket-Version") != 1)
    {
        return error::unsupported_version;
    }

    const auto key = head.find("Sec-WebSocket-Key");
    if (!key)
    {
        return error::missing_key;
    }
    // §4.2.1 item 5: one header whose value decodes to exactly 16 bytes.
    if (head.count("Sec-WebSocket-Key") != 1)
    {
        return error::bad_key;
    }
    const auto decoded = codec::base64_decode(*key);
    if (!decoded || decoded->size() != 16)
    {
        return error::bad_key;
    }

    upgrade_request request;
    request.key = *key;
    request.target = head.target;
    request.version = version;
    for (const auto& h : head.headers)
    {
        if (http::iequals(h.name, "Sec-WebSocket-Protocol"))
        {
            for (const auto p : http::split_list(h.value))
            {
                request.protocols.emplace_back(p);
            }
        }
    }
    return request;
}

int status_for(std::error_code ec) noexcept
{
    if (ec == error::unsupported_version)
    {
        return 426;
    }
    if (ec == error::header_too_large)
    {
        return 431;
    }
    if (ec == error::bad_method)
    {
        return 405;
    }
    return 400;
}

std::string make_accept_key(std::string_view client_key)
{
    std::string input;
    input.reserve(client_key.size() + accept_guid.size());
    input += client_key;
    input += accept_guid;
    return codec::base64_encode(codec::sha1(input));
}

subprotocol choose_subprotocol(const std::vector<std::string>& offered) noexcept
{
    // Websock JS offers "binary" and "base64" together; binary avoids a third of overhead.
    const auto offers = [&](std::string_view name)
    {
        return std::any_of(offered.begin(), offered.end(),
                           [name](const std::string& p) { return trim_ows(p) == name; });
    };
    if (offers("binary"))
    {
        return subprotocol::binary;
    }
    if (offers("base64"))
    {
        return subprotocol::base64;
    }
    return subprotocol::none;
}

std::string format_upgrade_response(const upgrade_request& request, subprotocol chosen,
                                    std::string_view extensions)
{
    http::response r;
    r.status = 101;
    r.headers = {{"Upgrade", "websocket"},
                 {"Connection", "Upgrade"},
                 {"Sec-WebSocket-Accept", make_accept_key(request.key)}};
    if (chosen != subprotocol::none)
    {
        r.headers.push_back({"Sec-WebSocket-Protocol", std::string(to_string(chosen))});
    }
    if (!extensions.empty())
    {
        r.headers.push_back({"Sec-WebSocket-Extensions", std::string(extensions)});
    }
    return http::format_response(r);
}

std::string format_upgrade_error(std::error_code ec)
{
    const int status = status_for(ec);
    std::vector<http::header_field> extra;
    if (status == 426)
    {
        extra.push_back({"Sec-WebSocket-Version", "13"});
    }
    else if (status == 405)
    {
        extra.push_back({"Allow", "GET"});
    }
    return http::format_error_response(status, ec.message(), extra);
}

} // namespace websockify::ws
