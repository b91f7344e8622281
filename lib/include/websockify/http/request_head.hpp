#pragma once

#include "websockify/error/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::http
{

/// One header line, RFC 9112 §5: the name as sent, the value trimmed of optional whitespace.
struct header_field
{
    std::string name;
    std::string value;
};

/// An HTTP/1.x request head (RFC 9112 §2.1): request line and header fields, no body.
struct request_head
{
    std::string method;                ///< e.g. "GET"
    std::string target;                ///< request-target as sent, e.g. "/websockify?token=abc"
    std::string version;               ///< "HTTP/1.1" or "HTTP/1.0"
    std::vector<header_field> headers; ///< in order, values trimmed of OWS

    /// First header with this name (ASCII case-insensitive); nullopt if absent.
    std::optional<std::string_view> find(std::string_view name) const noexcept;
    /// Number of headers with this name (handshake rejects duplicates of single-valued ones).
    std::size_t count(std::string_view name) const noexcept;
};

/// Python websockify (via http.server) allows 64 KiB per line; a head of 16 KiB fits every
/// browser's upgrade request with room for cookies.
inline constexpr std::size_t default_max_head_size = std::size_t{16} * 1024;

/// Length of the head including its terminating empty line ("\r\n\r\n"; a bare "\n\n" is
/// tolerated, RFC 9112 §2.2), or nullopt if not complete yet. Leading empty lines are skipped.
/// `resume_from` lets a reader that appends to `buffer` skip the bytes it already searched:
/// pass the previous size minus 2, since a terminator may have begun there.
std::optional<std::size_t> find_head_end(std::string_view buffer,
                                         std::size_t resume_from = 0) noexcept;

/// Parses a complete head (as delimited by find_head_end; anything after the empty line is
/// ignored). RFC 9112 §3 request line, §5 fields. Errors: malformed_request_line,
/// unsupported_http_version (not HTTP/1.0 or 1.1), malformed_header (obs-fold, space before the
/// colon, empty or non-token name, control characters).
result<request_head> parse_request_head(std::string_view head);

/// ASCII case-insensitive equality, as for header names and tokens (RFC 9110 §5.1).
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Splits a comma-separated header value (RFC 9110 §5.6.1), trimming optional whitespace and
/// dropping empty elements. Quoted strings are not special. The views point into `list`.
std::vector<std::string_view> split_list(std::string_view list);

/// Does the comma-separated list contain token (ASCII case-insensitive)? ("keep-alive, Upgrade"
/// has "upgrade")
bool has_token(std::string_view list, std::string_view token) noexcept;

/// Percent-decodes and returns the value of a query parameter of the request-target
/// ("/path?token=a%20b&x=1" -> "a b"); nullopt if absent. '+' means a space and malformed escapes
/// are kept as sent, as Python's parse_qs does; the first occurrence wins; "?x" gives "".
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);

} // namespace websockify::http
