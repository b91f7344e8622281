#include "websockify/http/request_head.hpp"

#include "websockify/error/error.hpp"

#include <algorithm>

namespace websockify::http
{
namespace
{

constexpr char to_lower_ascii(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

/// tchar, RFC 9110 §5.6.2: the characters of methods and header names.
constexpr bool is_tchar(char c) noexcept
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

constexpr bool is_token(std::string_view s) noexcept
{
    return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

/// Control characters (NUL, bare CR, LF, DEL, ...) never appear in a well-formed head; HTAB is
/// allowed only inside field values.
constexpr bool is_control(char c) noexcept
{
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
}

constexpr std::string_view trim_ows(std::string_view s) noexcept
{
    while (!s.empty() && is_ows(s.front()))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back()))
    {
        s.remove_suffix(1);
    }
    return s;
}

/// Removes the first line from `rest` and returns it without its terminator. RFC 9112 §2.2
/// lets a recipient accept a bare LF as the terminator and ignore a CR before it.
std::string_view take_line(std::string_view& rest) noexcept
{
    const auto lf = rest.find('\n');
    std::string_view line = rest.substr(0, lf);
    rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
    if (!line.empty() && line.back() == '\r')
    {
        line.remove_suffix(1);
    }
    return line;
}

/// RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line.
std::size_t skip_leading_empty_lines(std::string_view buffer) noexcept
{
    std::size_t start = 0;
    for (;;)
    {
        if (buffer.substr(start).starts_with("\r\n"))
        {
            start += 2;
        }
        else if (buffer.substr(start).starts_with('\n'))
        {
            start += 1;
        }
        else
        {
            return start;
        }
    }
}

/// HTTP-version, RFC 9112 §2.3: "HTTP/" DIGIT "." DIGIT, case-sensitive.
constexpr bool is_http_version(std::string_view v) noexcept
{
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    return v.size() == 8 && v.starts_with("HTTP/") && digit(v[5]) && v[6] == '.' && digit(v[7]);
}

std::error_code parse_request_line(std::string_view line, request_head& head)
{
    if (std::any_of(line.begin(), line.end(), is_control))
    {
        return error::malformed_request_line;
    }
    // RFC 9112 §3: method SP request-target SP HTTP-version, single spaces.
    const auto first = line.find(' ');
    const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos)
    {
        return error::malformed_request_line;
    }
    const auto method = line.substr(0, first);
    const auto target = line.substr(first + 1, second - first - 1);
    const auto version = line.substr(second + 1);
    if (!is_token(method) || target.empty() || !is_http_version(version))
    {
        return error::malformed_request_line;
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
    {
        return error::unsupported_http_version;
    }
    head.method = method;
    head.target = target;
    head.version = version;
    return {};
}

std::error_code parse_header_line(std::string_view line, request_head& head)
{
    // A leading space or tab is obs-fold, which RFC 9112 §5.2 lets a server reject; a space
    // before the colon fails is_token below, as §5.1 requires.
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
    {
        return error::malformed_header;
    }
    const auto raw_value = line.substr(colon + 1);
    if (std::any_of(raw_value.begin(), raw_value.end(),
                    [](char c) { return c != '\t' && is_control(c); }))
    {
        return error::malformed_header;
    }
    head.headers.push_back({std::string(line.substr(0, colon)), std::string(trim_ows(raw_value))});
    return {};
}

constexpr int hex_value(char c) noexcept
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
    return -1;
}

/// application/x-www-form-urlencoded decoding as Python's parse_qs does it, since tokens are
/// written for Python websockify: '+' is a space, and a bad escape is kept as sent.
std::string percent_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        if (s[i] == '+')
        {
            out += ' ';
            continue;
        }
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0)
        {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
            continue;
        }
        out += s[i];
    }
    return out;
}

} // namespace

std::optional<std::string_view> request_head::find(std::string_view name) const noexcept
{
    const auto it = std::find_if(headers.begin(), headers.end(),
                                 [name](const header_field& h) { return iequals(h.name, name); });
    if (it == headers.end())
    {
        return std::nullopt;
    }
    return it->value;
}

std::size_t request_head::count(std::string_view name) const noexcept
{
    return static_cast<std::size_t>(std::count_if(headers.begin(), headers.end(),
                                                  [name](const header_field& h)
                                                  { return iequals(h.name, name); }));
}

std::optional<std::size_t> find_head_end(std::string_view buffer, std::size_t resume_from) noexcept
{
    // The head ends at the first empty line: an LF followed by LF or CRLF. Leading empty lines
    // are judged on the whole buffer, never on a resumed tail: "\r\n" at the start of a tail
    // may be the end of the head, not a line before it.
    const std::size_t start = std::max(skip_leading_empty_lines(buffer), resume_from);
    for (auto lf = buffer.find('\n', start); lf != std::string_view::npos;
         lf = buffer.find('\n', lf + 1))
    {
        const auto after = buffer.substr(lf + 1);
        if (after.starts_with('\n'))
        {
            return lf + 2;
        }
        if (after.starts_with("\r\n"))
        {
            return lf + 3;
        }
    }
    return std::nullopt;
}

result<request_head> parse_request_head(std::string_view head)
{
    std::string_view rest = head.substr(skip_leading_empty_lines(head));
    request_head parsed;
    if (auto ec = parse_request_line(take_line(rest), parsed))
    {
        return ec;
    }
    while (!rest.empty())
    {
        const auto line = take_line(rest);
        if (line.empty())
        {
            break;
        }
        if (auto ec = parse_header_line(line, parsed))
        {
            return ec;
        }
    }
    return parsed;
}

bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return to_lower_ascii(x) == to_lower_ascii(y); });
}

std::vector<std::string_view> split_list(std::string_view list)
{
    std::vector<std::string_view> items;
    for (;;)
    {
        const auto comma = list.find(',');
        const auto item = trim_ows(list.substr(0, comma));
        if (!item.empty())
        {
            items.push_back(item);
        }
        if (comma == std::string_view::npos)
        {
            return items;
        }
        list.remove_prefix(comma + 1);
    }
}

bool has_token(std::string_view list, std::string_view token) noexcept
{
    if (token.empty())
    {
        return false;
    }
    for (;;)
    {
        const auto comma = list.find(',');
        if (iequals(trim_ows(list.substr(0, comma)), token))
        {
            return true;
        }
        if (comma == std::string_view::npos)
        {
            return false;
        }
        list.remove_prefix(comma + 1);
    }
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name)
{
    // Browsers strip the fragment, but a hand-written client may not (RFC 3986 §3.5).
    target = target.substr(0, target.find('#'));
    const auto question = target.find('?');
    if (question == std::string_view::npos)
    {
        return std::nullopt;
    }
    std::string_view query = target.substr(question + 1);
    for (;;)
    {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (!pair.empty() && percent_decode(pair.substr(0, eq)) == name)
        {
            return eq == std::string_view::npos ? std::string()
                                                : percent_decode(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos)
        {
            return std::nullopt;
        }
        query.remove_prefix(amp + 1);
    }
}

} // namespace websockify::http
