// Fuzzes JWTTokenApi's token check (token/jwt.hpp): verify_jwt with fixed HS256, RS256 and ES256
// keys, decode_base64url, and load_jwt_key.
//
// Input: byte 0 picks the mode, the rest is its text:
//  - mode % 4 == 0, 1, 2: the text is a token, verified with the HS256, RS256 or ES256 key;
//  - mode % 4 == 3 and mode & 4: the text is a key file for load_jwt_key;
//  - mode % 4 == 3 otherwise: the text is "HEADER\nCLAIMS" (JSON), which the fuzzer encodes and
//    signs with the HS256 secret, so that the checks after the signature are reached too.
//
// Properties checked besides "no crash":
//  - verification is deterministic and leaves nothing in OpenSSL's error queue;
//  - a token that verifies has exactly three non-empty dot-separated base64url parts, a header
//    whose alg fits the key, and gives a TCP target (non-empty host, port 1..65535);
//  - a token that verifies with one key fails with the others (every key allows one algorithm),
//    and a token signed with the HS256 secret fails once its signature's first character changes;
//  - a token with four dots is always refused as encrypted, one not of two or four as malformed;
//  - decode_base64url refuses only bad characters and lengths of 1 modulo 4, and what it
//    accepts re-encodes to the same text (but for the pad bits of the last character);
//  - load_jwt_key leaves nothing in the error queue and gives a usable key or an error.

#include "fuzz_support.hpp"
#include "websockify/codec/base64.hpp"
#include "websockify/token/jwt.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <string>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;

// base64url of "websockify-fuzz-hs256-secret-key".
constexpr std::string_view hs256_secret = "d2Vic29ja2lmeS1mdXp6LWhzMjU2LXNlY3JldC1rZXk";

constexpr std::string_view rs256_public_key = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCskZA7s77SMV0ppAvu/Kwizaka
FO6pahTrb3RXhiZwtlrlQgpTtiE4xlYKYoN9D+xZllC7al76aTpezTpa5sWaI3UF
4swpyIeKjyb9NRzOVoxp/ROKeNatKxItW1mfK64RVUQHbAllGlmchcvqPKY0iNao
6wzBH7WETSma64U5vwIDAQAB
-----END PUBLIC KEY-----
)";

constexpr std::string_view es256_public_key = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhy17/WS2s0WhU1jcLNtmk3JDesYe
EQb6SCgv+D/KUW/PVjb4jV0AkLejOC6HGrR+Sybww96aHSJxbLd8AKcY9A==
-----END PUBLIC KEY-----
)";

// 2023-11-14T22:13:20Z: fixed, so that nbf and exp decide the same way on every run.
const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

const std::array<token::jwt_key, 3>& keys()
{
    static const std::array<token::jwt_key, 3> loaded = []
    {
        std::array<token::jwt_key, 3> result;
        const std::array<std::string_view, 3> files{hs256_secret, rs256_public_key,
                                                    es256_public_key};
        for (std::size_t i = 0; i < files.size(); ++i)
        {
            auto key = token::load_jwt_key(files.at(i));
            FUZZ_REQUIRE(key.has_value());
            result.at(i) = std::move(*key);
        }
        FUZZ_REQUIRE(result[0].algorithm == token::jwt_algorithm::hs256);
        FUZZ_REQUIRE(result[1].algorithm == token::jwt_algorithm::rs256);
        FUZZ_REQUIRE(result[2].algorithm == token::jwt_algorithm::es256);
        return result;
    }();
    return loaded;
}

std::string base64url(std::string_view bytes)
{
    auto text = codec::base64_encode(std::as_bytes(std::span(bytes.data(), bytes.size())));
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    text.erase(text.find_last_not_of('=') + 1);
    return text;
}

void check_base64url(std::string_view text)
{
    const auto decoded = token::decode_base64url(text);
    const bool alphabet_ok = std::all_of(text.begin(), text.end(),
                                         [](char c)
                                         {
                                             return (c >= 'A' && c <= 'Z') ||
                                                    (c >= 'a' && c <= 'z') ||
                                                    (c >= '0' && c <= '9') || c == '-' || c == '_';
                                         });
    if (!decoded)
    {
        FUZZ_REQUIRE(decoded.error() == token::jwt_error::malformed);
        // Refused: only for a character outside the alphabet or a length of 1 modulo 4.
        FUZZ_REQUIRE(!alphabet_ok || text.size() % 4 == 1);
        return;
    }
    FUZZ_REQUIRE(alphabet_ok && text.size() % 4 != 1);
    FUZZ_REQUIRE(decoded->size() == text.size() * 3 / 4);
    // The base64 codec ignores the pad bits of a last partial group, so only its last
    // character may come back different.
    const auto again = base64url(*decoded);
    FUZZ_REQUIRE(again.size() == text.size());
    const auto exact = text.size() - (text.size() % 4 == 0 ? 0 : 1);
    FUZZ_REQUIRE(again.substr(0, exact) == text.substr(0, exact));
}

void check_verified(std::string_view token, const token::target& where, std::size_t key_index)
{
    FUZZ_REQUIRE(std::count(token.begin(), token.end(), '.') == 2);
    const auto first_dot = token.find('.');
    const auto second_dot = token.find('.', first_dot + 1);
    const auto header_part = token.substr(0, first_dot);
    const auto claims_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
    const auto signature_part = token.substr(second_dot + 1);
    FUZZ_REQUIRE(!header_part.empty() && !claims_part.empty() && !signature_part.empty());
    for (const auto part : {header_part, claims_part, signature_part})
    {
        FUZZ_REQUIRE(token::decode_base64url(part).has_value());
    }
    const auto header = nlohmann::json::parse(*token::decode_base64url(header_part));
    constexpr std::array<std::string_view, 3> algorithms{"HS256", "RS256", "ES256"};
    FUZZ_REQUIRE(header.at("alg").get<std::string>() == algorithms.at(key_index));
    FUZZ_REQUIRE(!header.contains("crit") && !header.contains("enc"));
    FUZZ_REQUIRE(!where.is_unix() && !where.host.empty() && where.port >= 1);
    for (std::size_t other = 0; other < keys().size(); ++other)
    {
        if (other != key_index)
        {
            FUZZ_REQUIRE(!token::verify_jwt(token, keys().at(other), now));
        }
    }
}

/// verify_jwt and its properties; true when the token verified.
bool check_token(std::string_view token, std::size_t key_index)
{
    const auto& key = keys().at(key_index);
    const auto result = token::verify_jwt(token, key, now);
    FUZZ_REQUIRE(ERR_peek_error() == 0);
    const auto again = token::verify_jwt(token, key, now);
    FUZZ_REQUIRE(result.has_value() == again.has_value());
    const auto dots = std::count(token.begin(), token.end(), '.');
    if (!result)
    {
        FUZZ_REQUIRE(result.error() == again.error());
        FUZZ_REQUIRE(result.error().category() == token::jwt_category());
        if (dots == 4)
        {
            FUZZ_REQUIRE(result.error() == token::jwt_error::encrypted);
        }
        else if (dots != 2)
        {
            FUZZ_REQUIRE(result.error() == token::jwt_error::malformed);
        }
        return false;
    }
    FUZZ_REQUIRE(*result == *again);
    check_verified(token, *result, key_index);
    return true;
}

std::string hs256_sign(std::string_view signing_input)
{
    const auto& secret = keys()[0].secret;
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    std::size_t length = 0;
    FUZZ_REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(),
                           secret.size(),
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size(), mac.data(), mac.size(), &length) != nullptr);
    return base64url(std::string_view(reinterpret_cast<const char*>(mac.data()), length));
}

void check_signed(std::string_view text)
{
    const auto newline = text.find('\n');
    const auto header = text.substr(0, newline);
    const auto claims =
        newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    const auto signing_input = base64url(header) + "." + base64url(claims);
    auto token = signing_input + "." + hs256_sign(signing_input);
    check_token(token, 0);
    // The first character of the signature carries 6 of its bits: changing it forges it.
    auto& first = token[signing_input.size() + 1];
    first = first == 'A' ? 'B' : 'A';
    const auto forged = token::verify_jwt(token, keys()[0], now);
    FUZZ_REQUIRE(!forged);
    FUZZ_REQUIRE(forged.error() == token::jwt_error::malformed ||
                 forged.error() == token::jwt_error::encrypted ||
                 forged.error() == token::jwt_error::unsupported_algorithm ||
                 forged.error() == token::jwt_error::algorithm_mismatch ||
                 forged.error() == token::jwt_error::critical_extension ||
                 forged.error() == token::jwt_error::bad_signature);
}

void check_key_file(std::string_view text)
{
    const auto key = token::load_jwt_key(text);
    FUZZ_REQUIRE(ERR_peek_error() == 0);
    if (!key)
    {
        FUZZ_REQUIRE(key.error() == token::jwt_error::unusable_key ||
                     key.error() == token::jwt_error::bad_secret);
        return;
    }
    if (key->algorithm == token::jwt_algorithm::hs256)
    {
        FUZZ_REQUIRE(!key->secret.empty() && !key->public_key);
    }
    else
    {
        FUZZ_REQUIRE(key->secret.empty() && key->public_key);
    }
    // A key just loaded must verify (or refuse) without crashing.
    const auto result = token::verify_jwt(
        "eyJhbGciOiJIUzI1NiJ9.eyJob3N0IjoiYSIsInBvcnQiOjF9.c2lnbmF0dXJl", *key, now);
    FUZZ_REQUIRE(!result && ERR_peek_error() == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    const auto mode = data[0];
    const auto text = as_text(data + 1, size - 1);
    switch (mode % 4)
    {
    case 3:
        if ((mode & 4) != 0)
        {
            check_key_file(text);
        }
        else
        {
            check_signed(text);
        }
        break;
    default:
        check_token(text, mode % 4);
        check_base64url(text.substr(0, text.find('.')));
        break;
    }
    return 0;
}
