#include "websockify/ws/permessage_deflate.hpp"

#include "websockify/http/quoted_list.hpp"

#include <algorithm>
#include <vector>

namespace websockify::ws
{
namespace
{

// Sec-WebSocket-Extensions grammar (RFC 6455 §9.1):
//
//   extension-list  = 1#extension                      elements separated by ","
//   extension       = extension-token *( ";" extension-param )
//   extension-param = token [ "=" ( token / quoted-string ) ]
//
// A quoted value must unquote to a token (§9.1), so "," and ";" never legitimately appear
// inside quotes; the splitter still skips over quotes so a malformed offer stays one element.

struct extension_param
{
    std::string name;
    std::optional<std::string> value;
};

struct extension_offer
{
    std::string name;
    std::vector<extension_param> params;
};

constexpr std::string_view trim_ows(std::string_view s) noexcept
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
    {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// tchar of RFC 9110 §5.6.2.
bool is_token_char(char c) noexcept
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) noexcept
{
    return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

/// A token, or a quoted-string (RFC 9110 §5.6.4) that unquotes to a token; nullopt otherwise.
std::optional<std::string> parse_param_value(std::string_view raw)
{
    if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"')
    {
        std::string unquoted;
        for (std::size_t i = 1; i + 1 < raw.size(); ++i)
        {
            if (raw[i] == '\\' && i + 2 < raw.size())
            {
                ++i;
            }
            unquoted.push_back(raw[i]);
        }
        return is_token(unquoted) ? std::optional<std::string>(unquoted) : std::nullopt;
    }
    return is_token(raw) ? std::optional<std::string>(raw) : std::nullopt;
}

/// One element of the list; nullopt when it breaks the grammar (that offer is then ignored).
std::optional<extension_offer> parse_offer(std::string_view element)
{
    const auto parts = http::split_outside_quotes(element, ';');
    extension_offer offer;
    offer.name = trim_ows(parts.front());
    if (!is_token(offer.name))
    {
        return std::nullopt;
    }
    for (std::size_t i = 1; i < parts.size(); ++i)
    {
        const auto part = trim_ows(parts[i]);
        const auto equals = part.find('=');
        extension_param param;
        param.name = trim_ows(part.substr(0, equals));
        if (!is_token(param.name))
        {
            return std::nullopt;
        }
        if (equals != std::string_view::npos)
        {
            param.value = parse_param_value(trim_ows(part.substr(equals + 1)));
            if (!param.value)
            {
                return std::nullopt;
            }
        }
        offer.params.push_back(std::move(param));
    }
    return offer;
}

/// RFC 7692 §7.1.2: a decimal 8..15 without leading zeros.
std::optional<int> parse_window_bits(std::string_view value) noexcept
{
    if (value.size() == 1 && value[0] >= '8' && value[0] <= '9')
    {
        return value[0] - '0';
    }
    if (value.size() == 2 && value[0] == '1' && value[1] >= '0' && value[1] <= '5')
    {
        return 10 + (value[1] - '0');
    }
    return std::nullopt;
}

/// What the client asked for in one permessage-deflate offer.
struct deflate_request
{
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::optional<int> server_max_window_bits;
    bool client_window_offered = false;
    std::optional<int> client_max_window_bits;
};

/// §7.1: an unknown parameter, a duplicate one or a bad value declines the offer.
std::optional<deflate_request> read_request(const extension_offer& offer)
{
    deflate_request request;
    std::vector<std::string_view> seen;
    for (const auto& param : offer.params)
    {
        if (std::find(seen.begin(), seen.end(), param.name) != seen.end())
        {
            return std::nullopt;
        }
        seen.push_back(param.name);
        if (param.name == "server_no_context_takeover" && !param.value)
        {
            request.server_no_context_takeover = true;
        }
        else if (param.name == "client_no_context_takeover" && !param.value)
        {
            request.client_no_context_takeover = true;
        }
        else if (param.name == "server_max_window_bits" && param.value)
        {
            request.server_max_window_bits = parse_window_bits(*param.value);
            if (!request.server_max_window_bits)
            {
                return std::nullopt;
            }
        }
        else if (param.name == "client_max_window_bits")
        {
            request.client_window_offered = true;
            if (param.value)
            {
                request.client_max_window_bits = parse_window_bits(*param.value);
                if (!request.client_max_window_bits)
                {
                    return std::nullopt;
                }
            }
        }
        else
        {
            return std::nullopt;
        }
    }
    return request;
}

std::optional<deflate_params> accept_request(const deflate_request& request, int window_limit)
{
    deflate_params params;
    params.server_no_context_takeover = request.server_no_context_takeover;
    params.client_no_context_takeover = request.client_no_context_takeover;
    // §7.1.2.1: the client caps our window; we may announce a smaller one on our own.
    const int server_cap = request.server_max_window_bits.value_or(max_window_bits);
    if (server_cap < min_deflate_window_bits)
    {
        return std::nullopt;
    }
    params.server_max_window_bits = std::min(server_cap, window_limit);
    params.answer_server_window =
        request.server_max_window_bits.has_value() || window_limit < max_window_bits;
    // §7.1.2.2: only a client that offered client_max_window_bits may be told its window; any
    // other client may use 15, which our inflater must then accept.
    if (request.client_window_offered)
    {
        params.client_max_window_bits =
            std::min(request.client_max_window_bits.value_or(max_window_bits), window_limit);
        params.answer_client_window = true;
    }
    return params;
}

} // namespace

std::optional<deflate_params> negotiate_permessage_deflate(std::string_view offers,
                                                           int window_limit)
{
    window_limit = std::clamp(window_limit, min_deflate_window_bits, max_window_bits);
    for (const auto element : http::split_outside_quotes(offers, ','))
    {
        if (trim_ows(element).empty())
        {
            continue; // RFC 9110 §5.6.1: empty list elements are ignored
        }
        const auto offer = parse_offer(element);
        if (!offer || offer->name != "permessage-deflate")
        {
            continue;
        }
        const auto request = read_request(*offer);
        if (!request)
        {
            continue;
        }
        if (auto params = accept_request(*request, window_limit))
        {
            return params;
        }
    }
    return std::nullopt;
}

std::string extension_offers(const http::request_head& head)
{
    std::string joined;
    for (const auto& h : head.headers)
    {
        if (http::iequals(h.name, "Sec-WebSocket-Extensions"))
        {
            if (!joined.empty())
            {
                joined += ", ";
            }
            joined += h.value;
        }
    }
    return joined;
}

std::string format_deflate_response(const deflate_params& params)
{
    std::string value = "permessage-deflate";
    if (params.server_no_context_takeover)
    {
        value += "; server_no_context_takeover";
    }
    if (params.client_no_context_takeover)
    {
        value += "; client_no_context_takeover";
    }
    if (params.answer_server_window)
    {
        value += "; server_max_window_bits=" + std::to_string(params.server_max_window_bits);
    }
    if (params.answer_client_window)
    {
        value += "; client_max_window_bits=" + std::to_string(params.client_max_window_bits);
    }
    return value;
}

} // namespace websockify::ws
