#include "websockify/auth/basic_http_auth.hpp"

#include "websockify/codec/base64.hpp"

#include <openssl/crypto.h>
#include <stdexcept>

namespace websockify::auth
{
namespace
{

/// Compares without an early exit over the expected secret's length, so the time taken tells
/// neither how much matched nor anything about the guess's length.
bool same_secret(std::string_view given, std::string_view expected)
{
    std::string candidate(given.substr(0, expected.size()));
    candidate.resize(expected.size(), '\0');
    const bool same_bytes = CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0;
    return same_bytes && given.size() == expected.size();
}

decision demand_credentials()
{
    return {401, "authentication required", {{"WWW-Authenticate", "Basic realm=\"Websockify\""}}};
}

decision malformed(std::string reason)
{
    return {403, std::move(reason), {}};
}

} // namespace

basic_http_auth::basic_http_auth(const std::string& source)
{
    const auto colon = source.find(':');
    if (colon == std::string::npos)
    {
        throw std::invalid_argument("BasicHTTPAuth needs --auth-source user:password");
    }
    user_ = source.substr(0, colon);
    password_ = source.substr(colon + 1);
}

decision basic_http_auth::check(const http::request_head& request,
                                const client_identity& /*client*/) const
{
    const auto header = request.find("Authorization");
    if (!header)
    {
        return demand_credentials();
    }
    constexpr std::string_view scheme = "Basic ";
    if (header->size() < scheme.size() || !http::iequals(header->substr(0, scheme.size()), scheme))
    {
        return malformed("Authorization is not Basic");
    }
    const auto decoded = codec::base64_decode(header->substr(scheme.size()));
    if (!decoded)
    {
        return malformed("Authorization is not valid base64");
    }
    // ISO-8859-1, as browsers send it: every byte is one character.
    const std::string credentials(reinterpret_cast<const char*>(decoded->data()), decoded->size());
    const auto colon = credentials.find(':');
    if (colon == std::string::npos)
    {
        return malformed("Authorization holds no user:password");
    }
    // Both compared every time: which part was wrong stays hidden.
    const bool user_ok = same_secret(std::string_view(credentials).substr(0, colon), user_);
    const bool password_ok =
        same_secret(std::string_view(credentials).substr(colon + 1), password_);
    if (!(user_ok && password_ok))
    {
        return demand_credentials();
    }
    return {};
}

} // namespace websockify::auth
