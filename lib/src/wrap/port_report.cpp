#include "websockify/wrap/port_report.hpp"

#include <charconv>

namespace websockify::wrap
{
namespace
{

/// Digits only (from_chars alone would accept a sign-less prefix of "12x").
std::optional<std::uint16_t> parse_port(std::string_view text)
{
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535)
    {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::optional<port_report> parse_port_report(std::string_view line)
{
    if (line.ends_with('\n'))
    {
        line.remove_suffix(1);
    }
    const auto space = line.find(' ');
    if (space == std::string_view::npos)
    {
        return std::nullopt;
    }
    const auto public_port = parse_port(line.substr(0, space));
    const auto loopback_port = parse_port(line.substr(space + 1));
    if (!public_port || !loopback_port)
    {
        return std::nullopt;
    }
    return port_report{*public_port, *loopback_port};
}

} // namespace websockify::wrap
