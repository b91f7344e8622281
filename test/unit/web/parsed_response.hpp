#pragma once

// Splits a raw HTTP/1.1 response for the web tests' assertions.

#include "websockify/http/request_head.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::web::test
{

struct parsed_response
{
    int status = 0;
    std::vector<http::header_field> headers;
    std::string body;
    bool complete_head = false;

    std::optional<std::string> header(std::string_view name) const
    {
        for (const auto& h : headers)
        {
            if (http::iequals(h.name, name))
            {
                return h.value;
            }
        }
        return std::nullopt;
    }
    std::size_t count(std::string_view name) const
    {
        std::size_t n = 0;
        for (const auto& h : headers)
        {
            n += http::iequals(h.name, name) ? 1U : 0U;
        }
        return n;
    }
};

inline parsed_response parse_response(std::string_view raw)
{
    parsed_response out;
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string_view::npos || !raw.starts_with("HTTP/1.1 ") || raw.size() < 12)
    {
        return out;
    }
    out.complete_head = true;
    out.status = std::stoi(std::string(raw.substr(9, 3)));
    out.body = std::string(raw.substr(end + 4));
    auto lines = raw.substr(0, end);
    lines.remove_prefix(std::min(lines.size(), lines.find("\r\n") + 2));
    while (!lines.empty())
    {
        auto eol = lines.find("\r\n");
        const auto line = lines.substr(0, eol);
        lines = eol == std::string_view::npos ? std::string_view{} : lines.substr(eol + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
        {
            continue;
        }
        auto value = line.substr(colon + 1);
        while (value.starts_with(' '))
        {
            value.remove_prefix(1);
        }
        out.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
    }
    return out;
}

} // namespace websockify::web::test
