#include "websockify/proxy/forwarded_client.hpp"

#include "websockify/http/quoted_list.hpp"
#include "websockify/proxy/proxy_header.hpp"
#include "websockify/token/trim.hpp"

#include <algorithm>
#include <vector>

namespace websockify::proxy
{
namespace
{

struct node
{
    token::ip_address address;
    std::uint16_t port = 0;
};

/// A quoted-string's content without quotes and escapes; any other value as it is.
std::string unquote(std::string_view value)
{
    if (value.size() < 2 || value.front() != '"' || value.back() != '"')
    {
        return std::string(value);
    }
    std::string result;
    const auto inner = value.substr(1, value.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i)
    {
        if (inner[i] == '\\' && i + 1 < inner.size())
        {
            ++i;
        }
        result += inner[i];
    }
    return result;
}

/// RFC 7239 §6: a port, or an obfuscated one ("_abc"), which counts as none.
std::optional<std::uint16_t> parse_port(std::string_view text)
{
    if (text.starts_with('_'))
    {
        return std::uint16_t{0};
    }
    if (text.empty() || text.size() > 5 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    {
        return std::nullopt;
    }
    const auto value = std::stoul(std::string(text));
    if (value > 65535)
    {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

/// "192.0.2.1", "192.0.2.1:4711", "[2001:db8::1]", "[2001:db8::1]:4711", or a bare IPv6
/// address (which X-Forwarded-For writers use); nullopt for names, "unknown" and junk.
std::optional<node> parse_node(std::string_view text)
{
    std::string_view host = text;
    std::string_view port;
    if (text.starts_with('['))
    {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
        {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        const auto after = text.substr(close + 1);
        if (!after.empty())
        {
            if (after.front() != ':')
            {
                return std::nullopt;
            }
            port = after.substr(1);
            if (port.empty())
            {
                return std::nullopt;
            }
        }
    }
    else if (std::count(text.begin(), text.end(), ':') == 1)
    {
        const auto colon = text.find(':');
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (port.empty())
        {
            return std::nullopt;
        }
    }
    const auto address = token::ip_address::parse(host);
    if (!address)
    {
        return std::nullopt;
    }
    node result;
    result.address = *address;
    if (!port.empty())
    {
        const auto number = parse_port(port);
        if (!number)
        {
            return std::nullopt;
        }
        result.port = *number;
    }
    return result;
}

/// The `for=` parameter of one Forwarded element ("for=192.0.2.60;proto=http;by=..."),
/// unquoted; nullopt without one.
std::optional<std::string> for_parameter(std::string_view element)
{
    for (const auto pair : http::split_outside_quotes(element, ';'))
    {
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos &&
            http::iequals(token::trim(pair.substr(0, equals)), "for"))
        {
            return unquote(token::trim(pair.substr(equals + 1)));
        }
    }
    return std::nullopt;
}

/// Every element of every header line called `name`, in order; an element that names no
/// usable address is kept as nullopt, since it ends the walk from the right.
std::vector<std::optional<node>> forwarded_list(const http::request_head& request,
                                                std::string_view name)
{
    std::vector<std::optional<node>> entries;
    const bool rfc7239 = http::iequals(name, "Forwarded");
    for (const auto& field : request.headers)
    {
        if (!http::iequals(field.name, name))
        {
            continue;
        }
        for (const auto untrimmed : http::split_outside_quotes(field.value, ','))
        {
            const auto element = token::trim(untrimmed);
            if (element.empty())
            {
                continue;
            }
            if (!rfc7239)
            {
                entries.push_back(parse_node(element));
                continue;
            }
            const auto value = for_parameter(element);
            entries.push_back(value ? parse_node(*value) : std::nullopt);
        }
    }
    return entries;
}

std::string canonical_text(const token::ip_address& address)
{
    endpoint e;
    e.ipv6 = address.length == 16;
    std::copy(address.bytes.begin(), address.bytes.end(), e.address.begin());
    return address_text(e);
}

forwarded_client make_client(const node& found, std::string_view from)
{
    forwarded_client client;
    client.address = canonical_text(found.address);
    client.port = found.port;
    client.from = from;
    return client;
}

} // namespace

std::optional<forwarded_client> find_forwarded_client(const http::request_head& request,
                                                      const trusted_proxies& trusted)
{
    // RFC 7239 supersedes the de-facto header: when both are present, Forwarded decides.
    std::string_view from = "Forwarded";
    if (request.count(from) == 0)
    {
        from = "X-Forwarded-For";
    }
    const auto entries = forwarded_list(request, from);
    if (entries.empty())
    {
        return std::nullopt;
    }
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    {
        if (!*it)
        {
            // "unknown" or junk: what lies further left was written by someone we cannot vouch
            // for, so no entry is believed.
            return std::nullopt;
        }
        if (!trusted.contains((*it)->address))
        {
            return make_client(**it, from);
        }
    }
    return make_client(*entries.front(), from);
}

} // namespace websockify::proxy
