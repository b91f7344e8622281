#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace websockify::codec
{

/// FIPS 180-4 SHA-1 digest, computed with OpenSSL EVP. Used only for the RFC 6455 §4.2.2 accept
/// key, where collision resistance does not matter.
std::array<std::byte, 20> sha1(std::span<const std::byte> bytes);
/// SHA-1 of the bytes of a string.
std::array<std::byte, 20> sha1(std::string_view bytes);

} // namespace websockify::codec
