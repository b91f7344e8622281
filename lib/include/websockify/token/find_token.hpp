#pragma once

#include "websockify/http/request_head.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace websockify::token
{

/// The token of an upgrade request. With `from_host` (--host-token): the Host header without
/// its port ("[::1]:6080" gives "::1"). Otherwise the `token` query parameter of the request
/// target, else a `token` cookie. Nullopt when none is present.
std::optional<std::string> find_token(const http::request_head& request, bool from_host);

/// The value of cookie `name` in a Cookie header value ("a=1; token=x" gives "x"), unquoted.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

/// A Host header value without its port; IPv6 brackets removed.
std::string host_without_port(std::string_view host);

} // namespace websockify::token
