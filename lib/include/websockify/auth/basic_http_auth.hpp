#pragma once

#include "websockify/auth/auth_plugin.hpp"

namespace websockify::auth
{

/// BasicHTTPAuth: RFC 7617 credentials must equal the source's user:password. No or wrong
/// credentials: 401 with `WWW-Authenticate: Basic realm="Websockify"`; a malformed header: 403.
/// Compared in constant time.
class basic_http_auth final : public auth_plugin
{
public:
    explicit basic_http_auth(const std::string& source);
    decision check(const http::request_head& request, const client_identity& client) const override;

private:
    std::string user_;
    std::string password_;
};

} // namespace websockify::auth
