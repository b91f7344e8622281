#include "websockify/web/directory_listing.hpp"

#include "websockify/codec/utf8.hpp"

#include <algorithm>
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

std::string folded(std::string_view name)
{
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

/// Python sorts listings with key=str.lower; ties fall back to the bytes, for a stable order.
bool listing_order(const listing_entry& a, const listing_entry& b)
{
    const auto fa = folded(a.name);
    const auto fb = folded(b.name);
    return fa != fb ? fa < fb : a.name < b.name;
}

void append_escaped_char(std::string& out, char c)
{
    switch (c)
    {
    case '&':
        out += "&amp;";
        break;
    case '<':
        out += "&lt;";
        break;
    case '>':
        out += "&gt;";
        break;
    case '"':
        out += "&quot;";
        break;
    case '\'':
        out += "&#x27;";
        break;
    default:
        out += c;
    }
}

constexpr bool is_unreserved(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

} // namespace

std::string escape_html(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    if (codec::is_valid_utf8(text))
    {
        for (const char c : text)
        {
            append_escaped_char(out, c);
        }
        return out;
    }
    // A file name is bytes; one that is not UTF-8 is shown with replacement characters (its
    // link stays exact, since links are percent-encoded).
    for (const char c : text)
    {
        if (static_cast<unsigned char>(c) >= 0x80)
        {
            out += "\xEF\xBF\xBD";
        }
        else
        {
            append_escaped_char(out, c);
        }
    }
    return out;
}

std::string percent_encode_path(std::string_view text)
{
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text)
    {
        if (is_unreserved(c) || c == '/')
        {
            out += c;
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        out += '%';
        out += hex[byte >> 4U];
        out += hex[byte & 0x0FU];
    }
    return out;
}

std::string render_directory_listing(std::string_view display_path,
                                     std::vector<listing_entry> entries)
{
    std::sort(entries.begin(), entries.end(), listing_order);
    const auto title = "Directory listing for " + escape_html(display_path);
    std::string page = "<!DOCTYPE html>\n"
                       "<html lang=\"en\">\n"
                       "<head>\n"
                       "<meta charset=\"utf-8\">\n"
                       "<title>" +
                       title +
                       "</title>\n"
                       "</head>\n"
                       "<body>\n"
                       "<h1>" +
                       title + "</h1>\n<hr>\n<ul>\n";
    for (const auto& entry : entries)
    {
        auto link = percent_encode_path(entry.name);
        auto shown = escape_html(entry.name);
        if (entry.is_directory)
        {
            link += '/';
        }
        // As in Python: "name/" for a directory, "name@" for a symlink (even to a directory).
        if (entry.is_symlink)
        {
            shown += '@';
        }
        else if (entry.is_directory)
        {
            shown += '/';
        }
        page += "<li><a href=\"";
        page += link;
        page += "\">";
        page += shown;
        page += "</a></li>\n";
    }
    page += "</ul>\n<hr>\n</body>\n</html>\n";
    return page;
}

result<std::vector<listing_entry>> read_directory(const fs::path& directory)
{
    std::error_code ec;
    fs::directory_iterator it(directory, ec);
    if (ec)
    {
        return ec;
    }
    std::vector<listing_entry> entries;
    for (; it != fs::directory_iterator(); it.increment(ec))
    {
        if (ec)
        {
            return ec;
        }
        std::error_code ignored;
        listing_entry entry;
        entry.name = it->path().filename().string();
        entry.is_symlink = it->is_symlink(ignored);
        // Like Python, a symlink to a directory is listed as a directory.
        entry.is_directory = it->is_directory(ignored);
        entries.push_back(std::move(entry));
    }
    if (ec)
    {
        return ec;
    }
    return entries;
}

} // namespace websockify::web
