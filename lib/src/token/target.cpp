#include "websockify/token/target.hpp"

#include "websockify/token/trim.hpp"

#include <charconv>

namespace websockify::token
{

result<target> parse_target(std::string_view text)
{
    text = trim(text);
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
    {
        return error::bad_target;
    }
    auto host = trim(text.substr(0, colon));
    const auto port_text = trim(text.substr(colon + 1));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    {
        host = host.substr(1, host.size() - 2);
    }
    unsigned port = 0;
    const auto* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (host.empty() || port_text.empty() || ec != std::errc{} || ptr != end || port == 0 ||
        port > 65535)
    {
        return error::bad_target;
    }
    target result;
    result.host = std::string(host);
    result.port = static_cast<std::uint16_t>(port);
    return result;
}

std::string to_string(const target& t)
{
    if (t.is_unix())
    {
        return "unix:" + t.unix_path;
    }
    const bool ipv6 = t.host.find(':') != std::string::npos;
    return (ipv6 ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port);
}

} // namespace websockify::token
