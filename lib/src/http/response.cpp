#include "websockify/http/response.hpp"

#include <algorithm>

namespace websockify::http
{
namespace
{

/// RFC 9110 §6.4.1: these statuses never have content, so no Content-Length framing either.
constexpr bool has_no_content(int status) noexcept
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

/// CR or LF in a header would split the response (RFC 9112 §11.1), so every control character
/// but HTAB is replaced, whatever the source of the text.
void append_sanitised(std::string& out, std::string_view text)
{
    for (const char c : text)
    {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 && c != '\t') || u == 0x7F ? ' ' : c;
    }
}

} // namespace

std::string_view reason_phrase(int status) noexcept
{
    switch (status)
    {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 416:
        return "Range Not Satisfiable";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "";
    }
}

std::string format_response(const response& r)
{
    std::string out = "HTTP/1.1 ";
    out += std::to_string(r.status);
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\n";
    for (const auto& h : r.headers)
    {
        append_sanitised(out, h.name);
        out += ": ";
        append_sanitised(out, h.value);
        out += "\r\n";
    }
    const bool no_content = has_no_content(r.status);
    const bool caller_set_length =
        std::any_of(r.headers.begin(), r.headers.end(),
                    [](const header_field& h) { return iequals(h.name, "Content-Length"); });
    if (!no_content && !caller_set_length)
    {
        out += "Content-Length: ";
        out += std::to_string(r.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    if (!no_content)
    {
        out += r.body;
    }
    return out;
}

std::string format_error_response(int status, std::string_view message,
                                  const std::vector<header_field>& extra)
{
    response r{
        status, {{"Content-Type", "text/plain; charset=utf-8"}, {"Connection", "close"}}, {}};
    r.headers.insert(r.headers.end(), extra.begin(), extra.end());
    r.body = std::to_string(status);
    const auto reason = reason_phrase(status);
    if (!reason.empty())
    {
        r.body += ' ';
        r.body += reason;
    }
    r.body += ": ";
    r.body += message;
    r.body += '\n';
    return format_response(r);
}

} // namespace websockify::http
