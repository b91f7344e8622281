#pragma once

#include <system_error>

namespace websockify::web
{

/// Why the web server refuses a request. Each maps to an HTTP status through status_for().
enum class error
{
    method_not_allowed = 1, ///< not GET or HEAD (405)
    bad_target,             ///< neither origin-form nor absolute-form (400)
    bad_percent_encoding,   ///< '%' not followed by two hex digits (400)
    dot_segment,            ///< a ".." segment, raw or percent-encoded (403)
    encoded_separator,      ///< "%2F" or "%5C" inside a segment (403)
    backslash,              ///< a raw '\' in the path (403)
    nul_byte,               ///< a NUL byte, raw or "%00" (403)
    not_found,              ///< nothing by that name under the root (404)
    outside_root,           ///< resolves (through a symlink) outside the root (404)
    listing_disabled,       ///< a directory without index.html under --file-only (404)
    not_a_file,             ///< a FIFO, socket or device (404)
};

const std::error_category& error_category() noexcept;
std::error_code make_error_code(error e) noexcept;

/// The HTTP status answering a refusal: a web::error, or an errno code from opening a file
/// (EACCES/EPERM -> 403); anything else is 404.
int status_for(std::error_code ec) noexcept;

} // namespace websockify::web

template <> struct std::is_error_code_enum<websockify::web::error> : std::true_type
{
};
