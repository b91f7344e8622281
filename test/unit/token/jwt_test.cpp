#include "websockify/token/jwt.hpp"

#include "websockify/codec/base64.hpp"

#include <algorithm>
#include <array>
#include <gtest/gtest.h>
#include <memory>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace websockify::token
{
namespace
{

using namespace std::chrono_literals;
using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// --- building tokens with OpenSSL, independently of the code under test --------------------

std::string base64url(std::string_view bytes)
{
    auto text = codec::base64_encode(bytes);
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    text.erase(std::remove(text.begin(), text.end(), '='), text.end());
    return text;
}

std::string as_string(const unsigned char* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

std::string hmac_sha256(std::string_view secret, std::string_view input)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    std::size_t length = 0;
    EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                        reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                        mac.data(), mac.size(), &length),
              nullptr);
    return as_string(mac.data(), length);
}

std::string digest_sign(EVP_PKEY* key, std::string_view input)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
    EXPECT_EQ(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key), 1);
    std::size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    EXPECT_EQ(EVP_DigestSign(context.get(), nullptr, &length, data, input.size()), 1);
    std::string signature(length, '\0');
    EXPECT_EQ(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()),
                             &length, data, input.size()),
              1);
    signature.resize(length);
    return signature;
}

/// RFC 7518 §3.4: JWS wants r||s, OpenSSL produces DER.
std::string der_to_raw(const std::string& der)
{
    const auto* in = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
        d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())), ECDSA_SIG_free);
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::array<unsigned char, 64> raw{};
    BN_bn2binpad(r, raw.data(), 32);
    BN_bn2binpad(s, raw.data() + 32, 32);
    return as_string(raw.data(), raw.size());
}

std::string public_pem(EVP_PKEY* key)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    EXPECT_EQ(PEM_write_bio_PUBKEY(bio.get(), key), 1);
    std::string pem(BIO_ctrl_pending(bio.get()), '\0');
    EXPECT_EQ(BIO_read(bio.get(), pem.data(), static_cast<int>(pem.size())),
              static_cast<int>(pem.size()));
    return pem;
}

std::string private_pem(EVP_PKEY* key)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    EXPECT_EQ(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    std::string pem(BIO_ctrl_pending(bio.get()), '\0');
    BIO_read(bio.get(), pem.data(), static_cast<int>(pem.size()));
    return pem;
}

/// Keys are made once: RSA generation takes a noticeable fraction of a second.
struct test_keys
{
    pkey_ptr rsa{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}), EVP_PKEY_free};
    pkey_ptr ec{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free};
    pkey_ptr other_ec{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free};
    pkey_ptr p384{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), EVP_PKEY_free};
    pkey_ptr ed25519{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free};
};

const test_keys& keys()
{
    static const test_keys made;
    return made;
}

const std::string hmac_secret = "a shared secret of some length!!";
const std::string target_claims = R"({"host":"vnc.example","port":5901})";

std::string signing_input(std::string_view header_json, std::string_view claims_json)
{
    return base64url(header_json) + "." + base64url(claims_json);
}

std::string hs256_token(std::string_view claims, std::string_view secret = hmac_secret)
{
    const auto input = signing_input(R"({"alg":"HS256","typ":"JWT"})", claims);
    return input + "." + base64url(hmac_sha256(secret, input));
}

std::string rs256_token(std::string_view claims, EVP_PKEY* key = keys().rsa.get())
{
    const auto input = signing_input(R"({"alg":"RS256"})", claims);
    return input + "." + base64url(digest_sign(key, input));
}

std::string es256_token(std::string_view claims, EVP_PKEY* key = keys().ec.get())
{
    const auto input = signing_input(R"({"alg":"ES256"})", claims);
    return input + "." + base64url(der_to_raw(digest_sign(key, input)));
}

jwt_key hmac_key()
{
    auto key = load_jwt_key(base64url(hmac_secret) + "\n");
    EXPECT_TRUE(key) << key.error().message();
    return *key;
}

jwt_key pem_key(EVP_PKEY* key)
{
    auto loaded = load_jwt_key(public_pem(key));
    EXPECT_TRUE(loaded) << loaded.error().message();
    return *loaded;
}

const auto now = std::chrono::system_clock::now();

std::string claims_at(std::string_view extra)
{
    return R"({"host":"vnc.example","port":5901,)" + std::string(extra) + "}";
}

std::string seconds_from_now(std::chrono::seconds offset)
{
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>((now + offset).time_since_epoch())
            .count());
}

target expected_target()
{
    target where;
    where.host = "vnc.example";
    where.port = 5901;
    return where;
}

// --- tests ---------------------------------------------------------------------------------

TEST(Jwt, Base64urlDecodesWithoutPaddingAndRejectsOtherAlphabets)
{
    EXPECT_EQ(*decode_base64url("eyJhbGciOiJIUzI1NiJ9"), R"({"alg":"HS256"})");
    EXPECT_EQ(*decode_base64url("_-8"), "\xff\xef");
    EXPECT_EQ(*decode_base64url(""), "");
    EXPECT_EQ(decode_base64url("/+8").error(), jwt_error::malformed);
    EXPECT_EQ(decode_base64url("eQ==").error(), jwt_error::malformed);
    EXPECT_EQ(decode_base64url("abcde").error(), jwt_error::malformed);
}

TEST(Jwt, Rfc7515AppendixA1Hs256Verifies)
{
    // RFC 7515 A.1: the signature verifies, the claims name no target, and exp is in 2011.
    const auto key =
        load_jwt_key("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS"
                     "4hcgUuTwjAzZr1Z9CAow");
    ASSERT_TRUE(key);
    const std::string token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
                              "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                              "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
                              "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const std::chrono::system_clock::time_point in_2011{std::chrono::seconds{1300819000}};
    EXPECT_EQ(verify_jwt(token, *key, in_2011).error(), jwt_error::missing_target);
    EXPECT_EQ(verify_jwt(token, *key, now).error(), jwt_error::expired);
    auto tampered = token;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'X' ? 'Y' : 'X';
    EXPECT_EQ(verify_jwt(tampered, *key, in_2011).error(), jwt_error::bad_signature);
}

TEST(Jwt, Hs256TokenGivesItsTarget)
{
    const auto where = verify_jwt(hs256_token(target_claims), hmac_key(), now);
    ASSERT_TRUE(where) << where.error().message();
    EXPECT_EQ(*where, expected_target());
}

TEST(Jwt, Rs256TokenGivesItsTarget)
{
    const auto where = verify_jwt(rs256_token(target_claims), pem_key(keys().rsa.get()), now);
    ASSERT_TRUE(where) << where.error().message();
    EXPECT_EQ(*where, expected_target());
}

TEST(Jwt, Es256TokenGivesItsTarget)
{
    const auto where = verify_jwt(es256_token(target_claims), pem_key(keys().ec.get()), now);
    ASSERT_TRUE(where) << where.error().message();
    EXPECT_EQ(*where, expected_target());
}

TEST(Jwt, PortMayBeAStringAndHostAnIpv6Literal)
{
    const auto where = verify_jwt(hs256_token(R"({"host":"::1","port":"5900"})"), hmac_key(), now);
    ASSERT_TRUE(where) << where.error().message();
    EXPECT_EQ(where->host, "::1");
    EXPECT_EQ(where->port, 5900);
}

TEST(Jwt, PrivateKeyPemVerifiesLikeItsPublicHalf)
{
    const auto key = load_jwt_key(private_pem(keys().ec.get()));
    ASSERT_TRUE(key) << key.error().message();
    EXPECT_EQ(key->algorithm, jwt_algorithm::es256);
    EXPECT_TRUE(verify_jwt(es256_token(target_claims), *key, now));
}

TEST(Jwt, BadSignaturesAreRefused)
{
    EXPECT_EQ(verify_jwt(hs256_token(target_claims, "another secret"), hmac_key(), now).error(),
              jwt_error::bad_signature);
    EXPECT_EQ(
        verify_jwt(es256_token(target_claims, keys().other_ec.get()), pem_key(keys().ec.get()), now)
            .error(),
        jwt_error::bad_signature);
    // Claims swapped after signing: the classic forgery.
    const auto genuine = rs256_token(target_claims);
    const auto forged_claims = base64url(R"({"host":"internal.example","port":22})");
    const auto first_dot = genuine.find('.');
    const auto second_dot = genuine.find('.', first_dot + 1);
    const auto forged =
        genuine.substr(0, first_dot + 1) + forged_claims + genuine.substr(second_dot);
    EXPECT_EQ(verify_jwt(forged, pem_key(keys().rsa.get()), now).error(), jwt_error::bad_signature);
    // ES256 signatures must be exactly 64 bytes of r||s, not DER.
    const auto input = signing_input(R"({"alg":"ES256"})", target_claims);
    const auto der_signed = input + "." + base64url(digest_sign(keys().ec.get(), input));
    EXPECT_EQ(verify_jwt(der_signed, pem_key(keys().ec.get()), now).error(),
              jwt_error::bad_signature);
}

TEST(Jwt, AlgNoneIsRefused)
{
    const auto unsigned_token = signing_input(R"({"alg":"none"})", target_claims) + ".";
    EXPECT_EQ(verify_jwt(unsigned_token, hmac_key(), now).error(),
              jwt_error::unsupported_algorithm);
    EXPECT_EQ(verify_jwt(unsigned_token, pem_key(keys().rsa.get()), now).error(),
              jwt_error::unsupported_algorithm);
    const auto hs512 = signing_input(R"({"alg":"HS512"})", target_claims) + ".c2ln";
    EXPECT_EQ(verify_jwt(hs512, hmac_key(), now).error(), jwt_error::unsupported_algorithm);
}

TEST(Jwt, AlgorithmMustMatchTheKey)
{
    // The RS256 -> HS256 confusion: an HMAC keyed with the public key's PEM text.
    const auto rsa_pem = public_pem(keys().rsa.get());
    EXPECT_EQ(
        verify_jwt(hs256_token(target_claims, rsa_pem), pem_key(keys().rsa.get()), now).error(),
        jwt_error::algorithm_mismatch);
    EXPECT_EQ(verify_jwt(rs256_token(target_claims), pem_key(keys().ec.get()), now).error(),
              jwt_error::algorithm_mismatch);
    EXPECT_EQ(verify_jwt(es256_token(target_claims), hmac_key(), now).error(),
              jwt_error::algorithm_mismatch);
}

TEST(Jwt, ExpiredAndNotYetValidAreRefused)
{
    const auto key = hmac_key();
    EXPECT_EQ(
        verify_jwt(hs256_token(claims_at(R"("exp":)" + seconds_from_now(-60s))), key, now).error(),
        jwt_error::expired);
    EXPECT_EQ(
        verify_jwt(hs256_token(claims_at(R"("nbf":)" + seconds_from_now(60s))), key, now).error(),
        jwt_error::not_yet_valid);
    const auto window =
        claims_at(R"("nbf":)" + seconds_from_now(-60s) + R"(,"exp":)" + seconds_from_now(60s));
    EXPECT_TRUE(verify_jwt(hs256_token(window), key, now));
    EXPECT_EQ(verify_jwt(hs256_token(claims_at(R"("exp":"tomorrow")")), key, now).error(),
              jwt_error::bad_time_claim);
    // Fractional NumericDate values are allowed (RFC 7519 §2).
    EXPECT_EQ(
        verify_jwt(hs256_token(claims_at(R"("exp":)" + seconds_from_now(-1s) + ".5")), key, now)
            .error(),
        jwt_error::expired);
}

TEST(Jwt, MissingOrBadTargetClaimsAreRefused)
{
    const auto key = hmac_key();
    EXPECT_EQ(verify_jwt(hs256_token(R"({"host":"h"})"), key, now).error(),
              jwt_error::missing_target);
    EXPECT_EQ(verify_jwt(hs256_token(R"({"port":5900})"), key, now).error(),
              jwt_error::missing_target);
    EXPECT_EQ(verify_jwt(hs256_token(R"({"host":"h","port":0})"), key, now).error(),
              jwt_error::bad_target);
    EXPECT_EQ(verify_jwt(hs256_token(R"({"host":"h","port":65536})"), key, now).error(),
              jwt_error::bad_target);
    EXPECT_EQ(verify_jwt(hs256_token(R"({"host":"h","port":true})"), key, now).error(),
              jwt_error::bad_target);
    EXPECT_EQ(verify_jwt(hs256_token(R"({"host":5,"port":5900})"), key, now).error(),
              jwt_error::bad_target);
}

TEST(Jwt, GarbageIsMalformed)
{
    const auto key = hmac_key();
    for (const std::string garbage : {"", ".", "..", "abc", "a.b", "a.b.c", "...x", "e30.e30.!!",
                                      "W10.e30.", "bm90IGpzb24.e30."})
    {
        const auto verdict = verify_jwt(garbage, key, now);
        ASSERT_FALSE(verdict) << garbage;
        EXPECT_EQ(verdict.error(), jwt_error::malformed) << garbage;
    }
    // A claims part that is not JSON, under a good signature.
    const auto input = base64url(R"({"alg":"HS256"})") + "." + base64url("not json");
    EXPECT_EQ(
        verify_jwt(input + "." + base64url(hmac_sha256(hmac_secret, input)), key, now).error(),
        jwt_error::malformed);
}

TEST(Jwt, EncryptedAndCriticalTokensAreRefused)
{
    EXPECT_EQ(verify_jwt("a.b.c.d.e", hmac_key(), now).error(), jwt_error::encrypted);
    const auto jwe_header = signing_input(R"({"alg":"HS256","enc":"A128GCM"})", "{}") + ".x";
    EXPECT_EQ(verify_jwt(jwe_header, hmac_key(), now).error(), jwt_error::encrypted);
    const auto input = signing_input(R"({"alg":"HS256","crit":["exp"]})", target_claims);
    EXPECT_EQ(verify_jwt(input + "." + base64url(hmac_sha256(hmac_secret, input)), hmac_key(), now)
                  .error(),
              jwt_error::critical_extension);
}

TEST(JwtKey, PemKeysPickTheirAlgorithm)
{
    EXPECT_EQ(pem_key(keys().rsa.get()).algorithm, jwt_algorithm::rs256);
    EXPECT_EQ(pem_key(keys().ec.get()).algorithm, jwt_algorithm::es256);
    EXPECT_EQ(hmac_key().algorithm, jwt_algorithm::hs256);
    EXPECT_EQ(hmac_key().secret.size(), hmac_secret.size());
}

TEST(JwtKey, UnusableKeysAreRefused)
{
    EXPECT_EQ(load_jwt_key(public_pem(keys().p384.get())).error(), jwt_error::unusable_key);
    EXPECT_EQ(load_jwt_key(public_pem(keys().ed25519.get())).error(), jwt_error::unusable_key);
    EXPECT_EQ(
        load_jwt_key("-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n").error(),
        jwt_error::unusable_key);
    EXPECT_EQ(load_jwt_key("").error(), jwt_error::bad_secret);
    EXPECT_EQ(load_jwt_key(" \n").error(), jwt_error::bad_secret);
    EXPECT_EQ(load_jwt_key("not base64url!").error(), jwt_error::bad_secret);
}

} // namespace
} // namespace websockify::token
