#include "websockify/config/config.hpp"

#include <charconv>

namespace websockify::config
{
namespace
{

std::uint16_t parse_port(std::string_view text, std::string_view what)
{
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > 65535)
    {
        throw invalid_argument(std::string(what) + " port '" + std::string(text) +
                               "' is not a number from 0 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

/// Splits at the port's colon: the last one, unless the host is a bracketed IPv6 literal.
endpoint split_host_port(std::string_view text, std::string_view what)
{
    if (!text.empty() && text.front() == '[')
    {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
        {
            throw invalid_argument(std::string(what) + " address '" + std::string(text) +
                                   "' must look like [IPv6]:port");
        }
        return {std::string(text.substr(1, close - 1)), parse_port(text.substr(close + 2), what)};
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
    {
        return {"", parse_port(text, what)};
    }
    if (text.find(':') != colon)
    {
        throw invalid_argument(std::string(what) + " address '" + std::string(text) +
                               "': put IPv6 literals in brackets, e.g. [::1]:5900");
    }
    return {std::string(text.substr(0, colon)), parse_port(text.substr(colon + 1), what)};
}

} // namespace

endpoint parse_listen_address(std::string_view text)
{
    return split_host_port(text, "listen");
}

endpoint parse_target_address(std::string_view text)
{
    auto result = split_host_port(text, "target");
    if (result.host.empty())
    {
        throw invalid_argument("target '" + std::string(text) +
                               "' needs a host and a port, e.g. localhost:5900");
    }
    if (result.port == 0)
    {
        throw invalid_argument("target port must not be 0");
    }
    return result;
}

std::string to_string(const endpoint& e)
{
    const bool ipv6_literal = e.host.find(':') != std::string::npos;
    const auto host = ipv6_literal ? "[" + e.host + "]" : e.host;
    return host + ":" + std::to_string(e.port);
}

} // namespace websockify::config
