#pragma once

#include <string_view>
#include <vector>

namespace websockify::http
{

/// Splits a header value at `separator` (',' between list elements, ';' between parameters),
/// except inside quoted strings (RFC 9110 §5.6.4, where a backslash escapes the next byte). The
/// parts are not trimmed; an unterminated quote runs to the end. Always at least one part.
std::vector<std::string_view> split_outside_quotes(std::string_view text, char separator);

} // namespace websockify::http
