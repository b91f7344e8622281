#include "websockify/codec/utf8.hpp"

#include <cstring>

namespace websockify::codec
{
namespace
{

constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

/// Index of the first non-ASCII byte at or after from, or bytes.size().
std::size_t skip_ascii(std::span<const std::byte> bytes, std::size_t from) noexcept
{
    // Most relayed text is ASCII: test eight bytes per step for any high bit.
    std::size_t i = from;
    for (; i + sizeof(std::uint64_t) <= bytes.size(); i += sizeof(std::uint64_t))
    {
        std::uint64_t word = 0;
        std::memcpy(&word, &bytes[i], sizeof word);
        if ((word & high_bits) != 0)
        {
            break;
        }
    }
    while (i < bytes.size() && std::to_integer<std::uint8_t>(bytes[i]) < 0x80)
    {
        ++i;
    }
    return i;
}

} // namespace

bool utf8_validator::feed(std::span<const std::byte> bytes) noexcept
{
    if (failed_)
    {
        return false;
    }
    // Work on locals: the input is std::byte, which may alias *this, so member state would be
    // stored and reloaded around every byte read.
    std::uint8_t pending = pending_;
    std::uint8_t lower = lower_;
    std::uint8_t upper = upper_;
    std::size_t i = 0;
    while (i < bytes.size())
    {
        const auto b = std::to_integer<std::uint8_t>(bytes[i]);
        if (pending != 0)
        {
            if (b < lower || b > upper)
            {
                failed_ = true;
                return false;
            }
            lower = 0x80;
            upper = 0xBF;
            --pending;
            ++i;
            continue;
        }
        if (b < 0x80)
        {
            i = skip_ascii(bytes, i + 1);
            continue;
        }
        // A lead byte (RFC 3629 §4). C0 and C1 only start overlong 2-byte forms; after E0 and F0
        // the second byte must rule out overlongs, after ED surrogates (U+D800..DFFF), after F4
        // code points above U+10FFFF; F5..FF never occur.
        if (b < 0xC2 || b > 0xF4)
        {
            failed_ = true;
            return false;
        }
        if (b < 0xE0)
        {
            pending = 1;
        }
        else if (b < 0xF0)
        {
            pending = 2;
            lower = b == 0xE0 ? 0xA0 : 0x80;
            upper = b == 0xED ? 0x9F : 0xBF;
        }
        else
        {
            pending = 3;
            lower = b == 0xF0 ? 0x90 : 0x80;
            upper = b == 0xF4 ? 0x8F : 0xBF;
        }
        ++i;
    }
    pending_ = pending;
    lower_ = lower;
    upper_ = upper;
    return true;
}

bool is_valid_utf8(std::span<const std::byte> bytes) noexcept
{
    utf8_validator validator;
    return validator.feed(bytes) && validator.complete();
}

bool is_valid_utf8(std::string_view text) noexcept
{
    return is_valid_utf8(std::as_bytes(std::span(text)));
}

} // namespace websockify::codec
