#pragma once

#include "websockify/error/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::web
{

/// The path of a request-target, split into percent-decoded segments (RFC 3986 §3.3).
/// Empty and "." segments are dropped; a ".." segment is never accepted.
struct target_path
{
    std::vector<std::string> segments;     ///< decoded; never empty, ".", "..", or with '/'
    std::vector<std::string> raw_segments; ///< the same segments as sent (still encoded)
    bool trailing_slash = false;           ///< the path ends in '/' ("/" itself does)
    bool has_query = false;
    std::string query; ///< after '?', as sent; kept on redirects

    /// "/a/b" or "/a/b/" from the decoded segments: the path as the user reads it.
    std::string decoded_path() const;
};

/// Splits an origin-form or absolute-form request-target (RFC 9112 §3.2.1-2); the query and
/// fragment are set aside. Refuses with web::error: bad_target, bad_percent_encoding,
/// dot_segment, encoded_separator ("%2F", "%5C"), backslash, nul_byte (raw or "%00").
result<target_path> split_target(std::string_view target);

/// Where a request-target leads under the web root.
struct resolved_target
{
    enum class kind
    {
        file,     ///< `path` is a regular file to send (possibly a directory's index.html)
        listing,  ///< `path` is a directory to list
        redirect, ///< a directory asked for without its trailing '/': 301 to `location`
    };
    kind what = kind::file;
    std::filesystem::path path; ///< canonical, and inside the canonical root
    std::string location;       ///< for `redirect`: the path plus '/', then "?query" if any
    std::string display_path;   ///< the decoded URL path, for a listing's title
};

/// Maps a request-target onto the filesystem under `root`. Symlinks are followed, but the
/// canonical result must lie inside the canonical root, compared component by component.
/// Errors are those of split_target, plus not_found, outside_root (reported as 404 so as not to
/// reveal what exists outside), listing_disabled (`file_only`) and not_a_file.
result<resolved_target> resolve_target(const std::filesystem::path& root, std::string_view target,
                                       bool file_only);

/// Whether `path` is `root` or below it, both canonical: a prefix match on whole components,
/// so "/srv/www-private" is not inside "/srv/www".
bool is_within(const std::filesystem::path& root, const std::filesystem::path& path);

} // namespace websockify::web
