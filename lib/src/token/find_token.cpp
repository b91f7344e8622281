#include "websockify/token/find_token.hpp"

#include "websockify/token/trim.hpp"

namespace websockify::token
{
namespace
{

} // namespace

std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name)
{
    while (!cookie_header.empty())
    {
        const auto end = cookie_header.find(';');
        const auto pair = trim(cookie_header.substr(0, end));
        cookie_header =
            end == std::string_view::npos ? std::string_view{} : cookie_header.substr(end + 1);
        const auto equals = pair.find('=');
        if (equals == std::string_view::npos || trim(pair.substr(0, equals)) != name)
        {
            continue;
        }
        auto value = trim(pair.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        {
            value = value.substr(1, value.size() - 2);
        }
        return std::string(value);
    }
    return std::nullopt;
}

std::string host_without_port(std::string_view host)
{
    host = trim(host);
    if (!host.empty() && host.front() == '[')
    {
        const auto close = host.find(']');
        return std::string(
            host.substr(1, close == std::string_view::npos ? host.size() - 1 : close - 1));
    }
    const auto colon = host.find(':');
    // More than one colon without brackets: a bare IPv6 address, no port to strip.
    if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos)
    {
        host = host.substr(0, colon);
    }
    return std::string(host);
}

std::optional<std::string> find_token(const http::request_head& request, bool from_host)
{
    if (from_host)
    {
        const auto host = request.find("Host");
        if (!host)
        {
            return std::nullopt;
        }
        auto name = host_without_port(*host);
        if (name.empty())
        {
            return std::nullopt;
        }
        return name;
    }
    if (auto from_query = http::query_parameter(request.target, "token"))
    {
        // Python strips a trailing newline that some clients add.
        while (!from_query->empty() && from_query->back() == '\n')
        {
            from_query->pop_back();
        }
        return from_query;
    }
    for (const auto& field : request.headers)
    {
        if (http::iequals(field.name, "Cookie"))
        {
            if (auto from_cookie = cookie_value(field.value, "token"))
            {
                return from_cookie;
            }
        }
    }
    return std::nullopt;
}

} // namespace websockify::token
