#include "websockify/codec/sha1.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdexcept>

namespace websockify::codec
{

std::array<std::byte, 20> sha1(std::span<const std::byte> bytes)
{
    std::array<std::byte, SHA_DIGEST_LENGTH> digest{};
    unsigned int length = 0;
    // EVP_Digest fails only when OpenSSL cannot allocate or has no SHA-1 provider loaded: a
    // broken environment rather than bad input, so it is reported as an exception.
    if (EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(digest.data()),
                   &length, EVP_sha1(), nullptr) != 1 ||
        length != digest.size())
    {
        throw std::runtime_error("OpenSSL SHA-1 digest failed");
    }
    return digest;
}

std::array<std::byte, 20> sha1(std::string_view bytes)
{
    return sha1(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

} // namespace websockify::codec
