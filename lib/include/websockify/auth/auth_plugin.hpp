#pragma once

#include "websockify/http/request_head.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace websockify::auth
{

/// What the server knows about a client beyond its request: only facts it verified itself.
struct client_identity
{
    /// The common name of a client certificate that passed TLS verification; never taken from
    /// a request header.
    std::optional<std::string> verified_cn;
};

/// Allowed (status 0), or the HTTP status, reason and headers to refuse with.
struct decision
{
    int status = 0;
    std::string reason;
    std::vector<http::header_field> headers;

    bool allowed() const noexcept { return status == 0; }
};

/// --auth-plugin NAME --auth-source ARG: decides before the upgrade (and with --web-auth,
/// before a web request) whether a client may go on.
class auth_plugin
{
public:
    auth_plugin() = default;
    virtual ~auth_plugin() = default;
    auth_plugin(const auth_plugin&) = delete;
    auth_plugin& operator=(const auth_plugin&) = delete;
    auth_plugin(auth_plugin&&) = delete;
    auth_plugin& operator=(auth_plugin&&) = delete;

    virtual decision check(const http::request_head& request,
                           const client_identity& client) const = 0;
};

/// BasicHTTPAuth (source user:password), ExpectOrigin (source: allowed origins separated by
/// spaces) and ClientCertCNAuth (source: allowed common names separated by spaces), by
/// Python's names ("module.Class" uses its last part). Nullopt-like failure: throws
/// std::invalid_argument naming the problem (unknown name, empty or malformed source).
std::unique_ptr<auth_plugin> make_auth_plugin(const std::string& name, const std::string& source);

} // namespace websockify::auth
