#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace websockify::wrap
{

/// What rebind.so's report mode tells websockify: the program asked for `public_port` and was
/// given loopback:`loopback_port` instead.
struct port_report
{
    std::uint16_t public_port = 0;
    std::uint16_t loopback_port = 0;
};

/// Parses rebind.so's line "P Q" (the newline optional), both ports decimal in 1..65535.
/// nullopt for anything else.
std::optional<port_report> parse_port_report(std::string_view line);

} // namespace websockify::wrap
