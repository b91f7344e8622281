#include "websockify/web/mime_type.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace websockify::web
{
namespace
{

struct mime_entry
{
    std::string_view extension; ///< lower case, without the dot
    std::string_view type;
};

// Sorted by extension for binary search. Mostly what Python's mimetypes gives, with
// "text/javascript" per RFC 9239 and charset=utf-8 on text, as noVNC's files are UTF-8.
constexpr std::array mime_table{
    mime_entry{"avif", "image/avif"},
    mime_entry{"bmp", "image/bmp"},
    mime_entry{"css", "text/css; charset=utf-8"},
    mime_entry{"csv", "text/csv; charset=utf-8"},
    mime_entry{"gif", "image/gif"},
    mime_entry{"gz", "application/gzip"},
    mime_entry{"htm", "text/html; charset=utf-8"},
    mime_entry{"html", "text/html; charset=utf-8"},
    mime_entry{"ico", "image/vnd.microsoft.icon"},
    mime_entry{"jpeg", "image/jpeg"},
    mime_entry{"jpg", "image/jpeg"},
    mime_entry{"js", "text/javascript; charset=utf-8"},
    mime_entry{"json", "application/json"},
    mime_entry{"map", "application/json"},
    mime_entry{"md", "text/markdown; charset=utf-8"},
    mime_entry{"mjs", "text/javascript; charset=utf-8"},
    mime_entry{"mp3", "audio/mpeg"},
    mime_entry{"mp4", "video/mp4"},
    mime_entry{"oga", "audio/ogg"},
    mime_entry{"ogg", "audio/ogg"},
    mime_entry{"ogv", "video/ogg"},
    mime_entry{"otf", "font/otf"},
    mime_entry{"pdf", "application/pdf"},
    mime_entry{"png", "image/png"},
    mime_entry{"svg", "image/svg+xml"},
    mime_entry{"tar", "application/x-tar"},
    mime_entry{"ttf", "font/ttf"},
    mime_entry{"txt", "text/plain; charset=utf-8"},
    mime_entry{"wasm", "application/wasm"},
    mime_entry{"wav", "audio/wav"},
    mime_entry{"webm", "video/webm"},
    mime_entry{"webmanifest", "application/manifest+json"},
    mime_entry{"webp", "image/webp"},
    mime_entry{"woff", "font/woff"},
    mime_entry{"woff2", "font/woff2"},
    mime_entry{"xhtml", "application/xhtml+xml"},
    mime_entry{"xml", "text/xml; charset=utf-8"},
    mime_entry{"zip", "application/zip"},
};

static_assert(std::is_sorted(mime_table.begin(), mime_table.end(),
                             [](const mime_entry& a, const mime_entry& b)
                             { return a.extension < b.extension; }));

constexpr std::string_view fallback = "application/octet-stream";

// No extension in the table is longer than this, so longer ones need no lookup.
constexpr std::size_t max_extension = 16;

} // namespace

std::string_view mime_type(std::string_view file_name) noexcept
{
    const auto slash = file_name.find_last_of('/');
    if (slash != std::string_view::npos)
    {
        file_name.remove_prefix(slash + 1);
    }
    const auto dot = file_name.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0)
    {
        return fallback;
    }
    const auto extension = file_name.substr(dot + 1);
    if (extension.empty() || extension.size() > max_extension)
    {
        return fallback;
    }
    std::array<char, max_extension> lowered{};
    std::transform(extension.begin(), extension.end(), lowered.begin(),
                   [](char c)
                   { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    const std::string_view key(lowered.data(), extension.size());
    const auto* const found =
        std::lower_bound(mime_table.begin(), mime_table.end(), key,
                         [](const mime_entry& e, std::string_view k) { return e.extension < k; });
    if (found == mime_table.end() || found->extension != key)
    {
        return fallback;
    }
    return found->type;
}

} // namespace websockify::web
