#pragma once

#include "websockify/error/result.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace websockify::codec
{

/// RFC 4648 §4: standard alphabet, '=' padding, no line breaks.
std::string base64_encode(std::span<const std::byte> bytes);
/// RFC 4648 §4 encoding of the bytes of a string.
std::string base64_encode(std::string_view bytes);

/// RFC 4648 §4, strict: a length that is not a multiple of 4, a character outside the alphabet or
/// misplaced padding gives error::bad_base64. Non-zero pad bits are accepted (§3.5 leaves it open).
result<std::vector<std::byte>> base64_decode(std::string_view text);

/// Incremental decoder for the `base64` subprotocol, where a message's text arrives in arbitrary
/// chunks. Padding ends a quartet and a new quartet may follow, so concatenated padded pieces
/// decode as one message.
class base64_decoder
{
public:
    /// Appends the bytes of every quartet completed by `text` to `out`. An invalid character or
    /// misplaced '=' gives error::bad_base64, and every later feed fails until finish().
    std::error_code feed(std::span<const std::byte> text, std::vector<std::byte>& out);

    /// End of message: a failed feed or a pending partial quartet gives error::bad_base64.
    /// Either way the decoder is reset for the next message.
    std::error_code finish();

private:
    std::uint32_t bits_ = 0;   // sextets of the pending quartet, most recent in the low bits
    std::uint8_t filled_ = 0;  // characters of the pending quartet seen, '=' included (0-3)
    std::uint8_t padding_ = 0; // '=' characters in the pending quartet
    bool failed_ = false;
};

} // namespace websockify::codec
