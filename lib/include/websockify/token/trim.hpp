#pragma once

#include <string_view>

namespace websockify::token
{

/// `text` without leading and trailing whitespace (space, tab, CR, LF, VT, FF): token files,
/// API answers, key files and header values are all read with it.
constexpr std::string_view trim(std::string_view text) noexcept
{
    constexpr std::string_view blanks = " \t\r\n\v\f";
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos)
    {
        return {};
    }
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

} // namespace websockify::token
