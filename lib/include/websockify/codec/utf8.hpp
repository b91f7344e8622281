#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace websockify::codec
{

/// Incremental UTF-8 validator (RFC 3629 §3-4): rejects overlong forms, surrogates, code points
/// above U+10FFFF and stray continuation bytes, whatever the chunking of the input. Fails fast,
/// as RFC 6455 §8.1 asks of text messages, so a bad byte is reported where it arrives.
class utf8_validator
{
public:
    /// Validates the next bytes. False as soon as the input so far can no longer be a prefix of
    /// valid UTF-8; the failure is sticky until reset().
    bool feed(std::span<const std::byte> bytes) noexcept;
    /// True when everything fed is valid and no multi-byte sequence is left unfinished.
    bool complete() const noexcept { return !failed_ && pending_ == 0; }
    /// True once feed() has seen invalid input.
    bool failed() const noexcept { return failed_; }
    /// Forgets all input, ready for a new text.
    void reset() noexcept { *this = utf8_validator{}; }

private:
    // The state between chunks: how many continuation bytes are still expected, and the range
    // the next one must fall in (narrower than 80..BF right after E0, ED, F0 and F4).
    std::uint8_t pending_ = 0;
    std::uint8_t lower_ = 0x80;
    std::uint8_t upper_ = 0xBF;
    bool failed_ = false;
};

/// Whether bytes are one complete, valid UTF-8 text (RFC 3629).
bool is_valid_utf8(std::span<const std::byte> bytes) noexcept;
/// Whether text is one complete, valid UTF-8 text (RFC 3629).
bool is_valid_utf8(std::string_view text) noexcept;

} // namespace websockify::codec
