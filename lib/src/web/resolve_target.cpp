#include "websockify/web/resolve_target.hpp"

#include "websockify/web/error.hpp"

#include <algorithm>
#include <optional>
#include <system_error>

namespace websockify::web
{
namespace
{

namespace fs = std::filesystem;

constexpr char lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept
{
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(),
                      [](char a, char b) { return lower(a) == lower(b); });
}

std::optional<int> hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
    {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f')
    {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F')
    {
        return c - 'A' + 10;
    }
    return std::nullopt;
}

/// The path of an absolute-form target (RFC 9112 §3.2.2), which a server must accept:
/// "http://host:port/p?q" -> "/p?q"; an empty path is "/".
std::optional<std::string> absolute_form_path(std::string_view target)
{
    for (const std::string_view scheme : {"http://", "https://"})
    {
        if (starts_with_ignoring_case(target, scheme))
        {
            const auto rest = target.substr(scheme.size());
            const auto path_start = rest.find_first_of("/?#");
            if (path_start == std::string_view::npos)
            {
                return std::string("/");
            }
            auto path = std::string(rest.substr(path_start));
            if (path.front() != '/')
            {
                path.insert(0, 1, '/');
            }
            return path;
        }
    }
    return std::nullopt;
}

/// Percent-decodes one segment (RFC 3986 §2.1), refusing what could step outside a directory
/// once decoded: a separator, or a NUL that would cut the name short in a system call.
result<std::string> decode_segment(std::string_view raw)
{
    std::string decoded;
    decoded.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i)
    {
        if (raw[i] != '%')
        {
            decoded += raw[i];
            continue;
        }
        if (i + 2 >= raw.size())
        {
            return error::bad_percent_encoding;
        }
        const auto high = hex_value(raw[i + 1]);
        const auto low = hex_value(raw[i + 2]);
        if (!high || !low)
        {
            return error::bad_percent_encoding;
        }
        const auto c = static_cast<char>(*high * 16 + *low);
        if (c == '/' || c == '\\')
        {
            return error::encoded_separator;
        }
        if (c == '\0')
        {
            return error::nul_byte;
        }
        decoded += c;
        i += 2;
    }
    return decoded;
}

bool is_regular(const fs::path& path)
{
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

/// The index file of a directory, if it has one that stays inside the root.
std::optional<fs::path> find_index(const fs::path& root, const fs::path& directory)
{
    // Python's SimpleHTTPRequestHandler looks for these two, in this order.
    for (const char* name : {"index.html", "index.htm"})
    {
        std::error_code ec;
        auto index = fs::canonical(directory / name, ec);
        if (!ec && is_within(root, index) && is_regular(index))
        {
            return index;
        }
    }
    return std::nullopt;
}

std::string redirect_location(const target_path& path)
{
    // Rebuilt from the raw segments: empty ones are gone, so it cannot start with "//", which
    // a browser would read as another host (the open redirect of CVE-2021-28861).
    std::string location = "/";
    for (const auto& raw : path.raw_segments)
    {
        location += raw;
        location += '/';
    }
    if (path.has_query)
    {
        location += '?';
        location += path.query;
    }
    return location;
}

} // namespace

std::string target_path::decoded_path() const
{
    std::string out;
    for (const auto& segment : segments)
    {
        out += '/';
        out += segment;
    }
    if (out.empty() || trailing_slash)
    {
        out += '/';
    }
    return out;
}

result<target_path> split_target(std::string_view target)
{
    std::string absolute;
    if (!target.starts_with('/'))
    {
        auto path = absolute_form_path(target);
        if (!path)
        {
            return error::bad_target;
        }
        absolute = std::move(*path);
        target = absolute;
    }
    target_path out;
    target = target.substr(0, target.find('#'));
    if (const auto question = target.find('?'); question != std::string_view::npos)
    {
        out.has_query = true;
        out.query = std::string(target.substr(question + 1));
        target = target.substr(0, question);
    }
    if (target.find('\0') != std::string_view::npos)
    {
        return error::nul_byte;
    }
    // Windows reads '\' as a separator; on POSIX it could still smuggle "..\" past a proxy.
    if (target.find('\\') != std::string_view::npos)
    {
        return error::backslash;
    }
    out.trailing_slash = target.ends_with('/');
    std::size_t start = 1;
    while (start <= target.size())
    {
        auto end = target.find('/', start);
        if (end == std::string_view::npos)
        {
            end = target.size();
        }
        const auto raw = target.substr(start, end - start);
        start = end + 1;
        if (raw.empty())
        {
            continue;
        }
        auto decoded = decode_segment(raw);
        if (!decoded)
        {
            return decoded.error();
        }
        // RFC 3986 §5.2.4 would resolve ".." against the path; refusing it outright means no
        // request can ever name a parent, however it is encoded.
        if (*decoded == "..")
        {
            return error::dot_segment;
        }
        if (*decoded == ".")
        {
            continue;
        }
        out.segments.push_back(std::move(*decoded));
        out.raw_segments.emplace_back(raw);
    }
    return out;
}

bool is_within(const fs::path& root, const fs::path& path)
{
    auto r = root.begin();
    auto p = path.begin();
    for (; r != root.end(); ++r, ++p)
    {
        if (p == path.end() || *r != *p)
        {
            return false;
        }
    }
    return true;
}

result<resolved_target> resolve_target(const fs::path& root, std::string_view target,
                                       bool file_only)
{
    auto path = split_target(target);
    if (!path)
    {
        return path.error();
    }
    std::error_code ec;
    const auto real_root = fs::canonical(root, ec);
    if (ec)
    {
        return error::not_found;
    }
    auto candidate = real_root;
    for (const auto& segment : path->segments)
    {
        // A decoded segment has no '/', so this never replaces the path with an absolute one.
        candidate /= segment;
    }
    auto real = fs::canonical(candidate, ec);
    if (ec)
    {
        return error::not_found;
    }
    // Symlinks are followed, so the check is on the real path; outside is reported as "not
    // found" so that a symlinked directory cannot be used to probe what exists beyond it.
    if (!is_within(real_root, real))
    {
        return error::outside_root;
    }
    const auto status = fs::status(real, ec);
    if (ec)
    {
        return error::not_found;
    }
    resolved_target out;
    if (fs::is_directory(status))
    {
        if (!path->trailing_slash)
        {
            // Relative links in the page must resolve inside the directory.
            out.what = resolved_target::kind::redirect;
            out.location = redirect_location(*path);
            return out;
        }
        if (auto index = find_index(real_root, real))
        {
            out.what = resolved_target::kind::file;
            out.path = std::move(*index);
            return out;
        }
        if (file_only)
        {
            return error::listing_disabled;
        }
        out.what = resolved_target::kind::listing;
        out.path = std::move(real);
        out.display_path = path->decoded_path();
        return out;
    }
    if (!fs::is_regular_file(status))
    {
        return error::not_a_file;
    }
    // Python's http.server answers 404 to "/file.txt/": a file is not a directory.
    if (path->trailing_slash)
    {
        return error::not_found;
    }
    out.what = resolved_target::kind::file;
    out.path = std::move(real);
    return out;
}

} // namespace websockify::web
