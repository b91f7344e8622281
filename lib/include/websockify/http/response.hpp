#pragma once

#include "websockify/http/request_head.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace websockify::http
{

/// An HTTP/1.1 response to be serialised by format_response.
struct response
{
    int status = 200;
    std::vector<header_field> headers; ///< sent in order, before the added Content-Length
    std::string body;
};

/// RFC 9110 §15 reason phrase for the status; "" for a status it does not know.
std::string_view reason_phrase(int status) noexcept;

/// "HTTP/1.1 <status> <reason>\r\n" + headers + Content-Length + "\r\n" + body (RFC 9112 §4, §6).
/// Content-Length is added unless the caller set one (e.g. for HEAD); 1xx, 204 and 304 carry
/// neither (§6.3). Control characters in header names and values become spaces.
std::string format_response(const response& r);

/// A complete error response: text/plain body "<status> <reason>: <message>\n",
/// "Connection: close", then the extra headers.
std::string format_error_response(int status, std::string_view message,
                                  const std::vector<header_field>& extra = {});

} // namespace websockify::http
