#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace websockify::web
{

/// RFC 9110 §5.6.7 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". Times before year 1 or
/// after 9999 are clamped to those years, since the format has exactly four year digits.
std::string format_http_date(std::chrono::sys_seconds time);

/// Parses an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850
/// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") formats.
/// Names are matched ASCII case-insensitively; nullopt for anything else or an invalid date.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text) noexcept;

} // namespace websockify::web
