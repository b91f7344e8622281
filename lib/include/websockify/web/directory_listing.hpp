#pragma once

#include "websockify/error/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::web
{

/// One name in a directory listing.
struct listing_entry
{
    std::string name;          ///< the file name as stored (bytes)
    bool is_directory = false; ///< shown and linked with a trailing '/'
    bool is_symlink = false;   ///< shown with a trailing '@', as Python's http.server does
};

/// An HTML page listing `entries`, sorted ASCII case-insensitively, in the shape of Python's
/// http.server: names HTML-escaped, links percent-encoded and relative (so `display_path` must
/// end in '/'). `display_path` is the decoded URL path shown in the title.
std::string render_directory_listing(std::string_view display_path,
                                     std::vector<listing_entry> entries);

/// The entries of a directory (without "." and ".."), unsorted; the filesystem error if it
/// cannot be read.
result<std::vector<listing_entry>> read_directory(const std::filesystem::path& directory);

/// Escapes &, <, >, " and ' for HTML text and attribute values. Invalid UTF-8 bytes become
/// U+FFFD, so a listing page is always valid UTF-8.
std::string escape_html(std::string_view text);

/// Percent-encodes every byte but RFC 3986 unreserved characters and '/' (RFC 3986 §2.1).
std::string percent_encode_path(std::string_view text);

} // namespace websockify::web
