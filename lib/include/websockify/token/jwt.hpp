#pragma once

#include "websockify/error/result.hpp"
#include "websockify/token/target.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

// OpenSSL's EVP_PKEY, declared here so that users of this header need no OpenSSL headers.
struct evp_pkey_st;

// JWTTokenApi: the token is a compact JWS (RFC 7515) whose claims name the target (RFC 7519).
namespace websockify::token
{

/// Why a JWT or its key was refused. Token errors are the client's fault (HTTP 403).
enum class jwt_error
{
    malformed = 1,         ///< not three base64url parts, or header/claims not a JSON object
    encrypted,             ///< a JWE (RFC 7516): not supported
    unsupported_algorithm, ///< "none", or anything but HS256, RS256, ES256
    algorithm_mismatch,    ///< the header's alg does not fit the key (e.g. HS256 with a PEM key)
    critical_extension,    ///< a "crit" header (RFC 7515 §4.1.11): no extension is understood
    bad_signature,
    not_yet_valid,  ///< now < nbf
    expired,        ///< now > exp
    bad_time_claim, ///< nbf or exp present but not a number
    missing_target, ///< no string host, or no port as a number or a string
    bad_target,     ///< host and port do not make a target (port 1..65535)
    // Loading the key file (a startup error):
    unusable_key, ///< PEM that holds no RSA or P-256 EC key
    bad_secret,   ///< not PEM, and not a non-empty base64url HMAC secret
};

const std::error_category& jwt_category() noexcept;
std::error_code make_error_code(jwt_error e) noexcept;

/// The JWS algorithms of RFC 7518 §3.1 that are supported.
enum class jwt_algorithm
{
    hs256, ///< HMAC SHA-256 with a shared secret
    rs256, ///< RSASSA-PKCS1-v1_5 SHA-256 with an RSA public key
    es256, ///< ECDSA P-256 SHA-256, signature r||s (64 bytes, RFC 7518 §3.4)
};

/// The verification key of JWTTokenApi. Each key allows exactly one algorithm, so a token can
/// never pick a weaker check than the key's owner intended. Copies share the OpenSSL key.
struct jwt_key
{
    jwt_algorithm algorithm = jwt_algorithm::hs256;
    std::vector<unsigned char> secret;       ///< hs256 only
    std::shared_ptr<evp_pkey_st> public_key; ///< rs256 and es256 only
};

/// A key file as Python websockify (jwcrypto) reads it: a PEM public key, private key or
/// certificate (RSA gives RS256, EC P-256 gives ES256); anything else is an HMAC secret written
/// base64url (a JWK "k" value, RFC 7517 §6.4.1), surrounding whitespace ignored.
/// Errors: jwt_error::unusable_key, jwt_error::bad_secret.
result<jwt_key> load_jwt_key(std::string_view file_contents);

/// nbf and exp are compared with the clock without leeway, as Python websockify does.
inline constexpr std::chrono::seconds jwt_clock_leeway{0};

/// Verifies a compact JWS with `key` and returns the target of its claims "host" (string) and
/// "port" (number or string); "nbf" and "exp" (seconds since the epoch) are checked against
/// `now`. Errors: the token kinds of jwt_error.
result<target> verify_jwt(std::string_view token, const jwt_key& key,
                          std::chrono::system_clock::time_point now);

/// RFC 7515 §2 base64url without padding, strict: '=', '+', '/' and other characters outside the
/// URL-safe alphabet give jwt_error::malformed, and so does a length of 1 modulo 4.
result<std::string> decode_base64url(std::string_view text);

} // namespace websockify::token

template <> struct std::is_error_code_enum<websockify::token::jwt_error> : std::true_type
{
};
