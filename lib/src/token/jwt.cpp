#include "websockify/token/jwt.hpp"

#include "websockify/codec/base64.hpp"
#include "websockify/token/json_target.hpp"
#include "websockify/token/trim.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace websockify::token
{
namespace
{

class jwt_category_impl final : public std::error_category
{
public:
    const char* name() const noexcept override { return "jwt"; }

    std::string message(int value) const override
    {
        switch (static_cast<jwt_error>(value))
        {
        case jwt_error::malformed:
            return "JWT is not a compact JWS (three base64url parts, JSON header and claims)";
        case jwt_error::encrypted:
            return "JWT is encrypted (JWE), which is not supported";
        case jwt_error::unsupported_algorithm:
            return "JWT algorithm is not HS256, RS256 or ES256";
        case jwt_error::algorithm_mismatch:
            return "JWT algorithm does not match the key";
        case jwt_error::critical_extension:
            return "JWT has critical header extensions (crit), none of which are supported";
        case jwt_error::bad_signature:
            return "JWT signature does not verify";
        case jwt_error::not_yet_valid:
            return "JWT is not valid yet (nbf)";
        case jwt_error::expired:
            return "JWT has expired (exp)";
        case jwt_error::bad_time_claim:
            return "JWT nbf or exp claim is not a number";
        case jwt_error::missing_target:
            return "JWT lacks a host or port claim";
        case jwt_error::bad_target:
            return "JWT host and port claims are not a valid target";
        case jwt_error::unusable_key:
            return "PEM key is neither RSA nor EC P-256";
        case jwt_error::bad_secret:
            return "key file is not PEM, nor an HMAC secret in base64url";
        }
        return "unknown JWT error";
    }
};

/// Failed parses and verifications leave entries in OpenSSL's per-thread error queue; TLS code
/// on the same thread reads that queue (SSL_get_error), so nothing may be left behind.
class openssl_error_queue_guard
{
public:
    openssl_error_queue_guard() = default;
    ~openssl_error_queue_guard() { ERR_clear_error(); }
    openssl_error_queue_guard(const openssl_error_queue_guard&) = delete;
    openssl_error_queue_guard& operator=(const openssl_error_queue_guard&) = delete;
    openssl_error_queue_guard(openssl_error_queue_guard&&) = delete;
    openssl_error_queue_guard& operator=(openssl_error_queue_guard&&) = delete;
};

// --- base64url ------------------------------------------------------------------------------

bool is_base64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

// --- keys -----------------------------------------------------------------------------------

using pkey_ptr = std::shared_ptr<EVP_PKEY>;
using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;

pkey_ptr adopt(EVP_PKEY* key)
{
    return pkey_ptr(key, EVP_PKEY_free);
}

bio_ptr memory_bio(std::string_view text)
{
    return bio_ptr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
}

/// jwcrypto's import_from_pem order: a private key (whose public half verifies), a public key,
/// then a certificate's key. Passphrase callbacks are suppressed: an encrypted key just fails.
pkey_ptr read_pem_key(std::string_view text)
{
    auto no_password = [](char*, int, int, void*) { return 0; };
    if (auto bio = memory_bio(text);
        auto* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr))
    {
        return adopt(key);
    }
    if (auto bio = memory_bio(text);
        auto* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_password, nullptr))
    {
        return adopt(key);
    }
    auto bio = memory_bio(text);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr), X509_free);
    if (!cert)
    {
        return nullptr;
    }
    return adopt(X509_get_pubkey(cert.get()));
}

bool is_p256(EVP_PKEY* key)
{
    std::array<char, 64> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                       &length) != 1)
    {
        return false;
    }
    const std::string_view name(group.data(), length);
    return name == "prime256v1" || name == "P-256";
}

// --- signatures -----------------------------------------------------------------------------

bool verify_hmac(const std::vector<unsigned char>& secret, std::string_view signing_input,
                 std::string_view signature)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    std::size_t mac_length = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                  reinterpret_cast<const unsigned char*>(signing_input.data()),
                  signing_input.size(), mac.data(), mac.size(), &mac_length) == nullptr)
    {
        return false;
    }
    // Constant time: an attacker must not learn how many leading bytes of a forgery matched.
    return signature.size() == mac_length &&
           CRYPTO_memcmp(mac.data(), signature.data(), mac_length) == 0;
}

bool verify_digest_signature(EVP_PKEY* key, std::string_view signing_input,
                             const std::vector<unsigned char>& der_or_raw)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
    if (!context || EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1)
    {
        return false;
    }
    return EVP_DigestVerify(context.get(), der_or_raw.data(), der_or_raw.size(),
                            reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size()) == 1;
}

/// RFC 7518 §3.4: a JWS carries ECDSA P-256 signatures as r||s, 32 bytes each, big-endian;
/// OpenSSL verifies the DER ECDSA-Sig-Value of RFC 3279.
std::vector<unsigned char> ecdsa_raw_to_der(std::string_view raw)
{
    constexpr int half = 32;
    if (raw.size() != std::size_t{2 * half})
    {
        return {};
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
    BIGNUM* r = BN_bin2bn(bytes, half, nullptr);
    BIGNUM* s = BN_bin2bn(bytes + half, half, nullptr);
    if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1)
    {
        BN_free(r);
        BN_free(s);
        return {};
    }
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0)
    {
        return {};
    }
    std::vector<unsigned char> der(static_cast<std::size_t>(length));
    auto* out = der.data();
    i2d_ECDSA_SIG(sig.get(), &out);
    return der;
}

bool verify_signature(const jwt_key& key, std::string_view signing_input,
                      std::string_view signature)
{
    switch (key.algorithm)
    {
    case jwt_algorithm::hs256:
        return verify_hmac(key.secret, signing_input, signature);
    case jwt_algorithm::rs256:
        return verify_digest_signature(
            key.public_key.get(), signing_input,
            std::vector<unsigned char>(signature.begin(), signature.end()));
    case jwt_algorithm::es256:
    {
        const auto der = ecdsa_raw_to_der(signature);
        return !der.empty() && verify_digest_signature(key.public_key.get(), signing_input, der);
    }
    }
    return false;
}

// --- header and claims ----------------------------------------------------------------------

result<nlohmann::json> decode_json_object(std::string_view part)
{
    auto text = decode_base64url(part);
    if (!text)
    {
        return text.error();
    }
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
    {
        return jwt_error::malformed;
    }
    return parsed;
}

/// RFC 7518 §3.1 "alg" values, checked against the one algorithm the key allows.
std::error_code check_header(const nlohmann::json& header, const jwt_key& key)
{
    if (header.contains("enc"))
    {
        return jwt_error::encrypted;
    }
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string())
    {
        return jwt_error::malformed;
    }
    const auto& name = alg->get_ref<const std::string&>();
    jwt_algorithm wanted{};
    if (name == "HS256")
    {
        wanted = jwt_algorithm::hs256;
    }
    else if (name == "RS256")
    {
        wanted = jwt_algorithm::rs256;
    }
    else if (name == "ES256")
    {
        wanted = jwt_algorithm::es256;
    }
    else
    {
        return jwt_error::unsupported_algorithm; // "none" included (RFC 7518 §3.6)
    }
    if (wanted != key.algorithm)
    {
        return jwt_error::algorithm_mismatch;
    }
    if (header.contains("crit"))
    {
        return jwt_error::critical_extension;
    }
    return {};
}

std::error_code check_times(const nlohmann::json& claims, std::chrono::system_clock::time_point now)
{
    using seconds = std::chrono::duration<double>;
    const double now_seconds = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
    const double leeway = seconds(jwt_clock_leeway).count();
    for (const char* name : {"nbf", "exp"})
    {
        if (claims.contains(name) && !claims[name].is_number())
        {
            return jwt_error::bad_time_claim;
        }
    }
    if (claims.contains("nbf") && now_seconds + leeway < claims["nbf"].get<double>())
    {
        return jwt_error::not_yet_valid;
    }
    if (claims.contains("exp") && now_seconds - leeway > claims["exp"].get<double>())
    {
        return jwt_error::expired;
    }
    return {};
}

} // namespace

const std::error_category& jwt_category() noexcept
{
    static const jwt_category_impl category;
    return category;
}

std::error_code make_error_code(jwt_error e) noexcept
{
    return {static_cast<int>(e), jwt_category()};
}

result<std::string> decode_base64url(std::string_view text)
{
    if (text.size() % 4 == 1 || !std::all_of(text.begin(), text.end(), is_base64url_char))
    {
        return jwt_error::malformed;
    }
    // Same bits as RFC 4648 §4 base64 with two letters swapped, and padding left out (§5).
    std::string standard(text);
    std::replace(standard.begin(), standard.end(), '-', '+');
    std::replace(standard.begin(), standard.end(), '_', '/');
    standard.append((4 - standard.size() % 4) % 4, '=');
    const auto bytes = codec::base64_decode(standard);
    if (!bytes)
    {
        return jwt_error::malformed;
    }
    std::string decoded;
    decoded.reserve(bytes->size());
    for (const auto byte : *bytes)
    {
        decoded += static_cast<char>(byte);
    }
    return decoded;
}

result<jwt_key> load_jwt_key(std::string_view file_contents)
{
    const openssl_error_queue_guard clean_up;
    jwt_key key;
    if (auto pem = read_pem_key(file_contents))
    {
        if (EVP_PKEY_is_a(pem.get(), "RSA") == 1)
        {
            key.algorithm = jwt_algorithm::rs256;
        }
        else if (EVP_PKEY_is_a(pem.get(), "EC") == 1 && is_p256(pem.get()))
        {
            key.algorithm = jwt_algorithm::es256;
        }
        else
        {
            return jwt_error::unusable_key;
        }
        key.public_key = std::move(pem);
        return key;
    }
    // A file that claims to be PEM but did not parse must not silently become an HMAC secret.
    if (file_contents.find("-----BEGIN") != std::string_view::npos)
    {
        return jwt_error::unusable_key;
    }
    const auto secret = decode_base64url(trim(file_contents));
    if (!secret || secret->empty())
    {
        return jwt_error::bad_secret;
    }
    key.algorithm = jwt_algorithm::hs256;
    key.secret.assign(secret->begin(), secret->end());
    return key;
}

result<target> verify_jwt(std::string_view token, const jwt_key& key,
                          std::chrono::system_clock::time_point now)
{
    const openssl_error_queue_guard clean_up;
    // RFC 7516 §7.1: a compact JWE has five parts, a JWS (RFC 7515 §7.1) three.
    const auto dots = std::count(token.begin(), token.end(), '.');
    if (dots == 4)
    {
        return jwt_error::encrypted;
    }
    if (dots != 2)
    {
        return jwt_error::malformed;
    }
    const auto first_dot = token.find('.');
    const auto second_dot = token.find('.', first_dot + 1);
    const auto signing_input = token.substr(0, second_dot);

    const auto header = decode_json_object(token.substr(0, first_dot));
    if (!header)
    {
        return header.error();
    }
    if (const auto problem = check_header(*header, key))
    {
        return problem;
    }
    const auto signature = decode_base64url(token.substr(second_dot + 1));
    if (!signature)
    {
        return signature.error();
    }
    if (!verify_signature(key, signing_input, *signature))
    {
        return jwt_error::bad_signature;
    }
    // Only now, with the signature good, are the claims worth reading.
    const auto claims = decode_json_object(token.substr(first_dot + 1, second_dot - first_dot - 1));
    if (!claims)
    {
        return claims.error();
    }
    if (const auto problem = check_times(*claims, now))
    {
        return problem;
    }
    if (!claims->contains("host") || !claims->contains("port"))
    {
        return jwt_error::missing_target;
    }
    auto where = target_from_json(*claims);
    if (!where)
    {
        return jwt_error::bad_target;
    }
    return where;
}

} // namespace websockify::token
