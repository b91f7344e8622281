#include "websockify/codec/base64.hpp"

#include "websockify/error/error.hpp"

#include <array>

namespace websockify::codec
{
namespace
{

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::uint8_t invalid = 0xFF;

/// Sextet value of each byte, or `invalid` for bytes outside the alphabet ('=' included).
constexpr std::array<std::uint8_t, 256> sextets = []
{
    std::array<std::uint8_t, 256> table{};
    table.fill(invalid);
    for (std::size_t i = 0; i < alphabet.size(); ++i)
    {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
    }
    return table;
}();

constexpr std::uint8_t sextet_of(std::byte b) noexcept
{
    return sextets[std::to_integer<std::size_t>(b)];
}

constexpr char encode_sextet(std::uint32_t bits, int shift) noexcept
{
    return alphabet[(bits >> shift) & 0x3FU];
}

void append_bytes(std::vector<std::byte>& out, std::uint32_t bits24, std::size_t count)
{
    // Bits 23..16 are the first byte, 15..8 the second, 7..0 the third.
    const std::array<std::byte, 3> bytes{std::byte(bits24 >> 16), std::byte(bits24 >> 8),
                                         std::byte(bits24)};
    out.insert(out.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count));
}

} // namespace

std::string base64_encode(std::span<const std::byte> bytes)
{
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3)
    {
        const std::uint32_t bits = std::to_integer<std::uint32_t>(bytes[i]) << 16 |
                                   std::to_integer<std::uint32_t>(bytes[i + 1]) << 8 |
                                   std::to_integer<std::uint32_t>(bytes[i + 2]);
        text += {encode_sextet(bits, 18), encode_sextet(bits, 12), encode_sextet(bits, 6),
                 encode_sextet(bits, 0)};
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1)
    {
        const std::uint32_t bits = std::to_integer<std::uint32_t>(bytes[i]) << 16;
        text += {encode_sextet(bits, 18), encode_sextet(bits, 12), '=', '='};
    }
    else if (rest == 2)
    {
        const std::uint32_t bits = std::to_integer<std::uint32_t>(bytes[i]) << 16 |
                                   std::to_integer<std::uint32_t>(bytes[i + 1]) << 8;
        text += {encode_sextet(bits, 18), encode_sextet(bits, 12), encode_sextet(bits, 6), '='};
    }
    return text;
}

std::string base64_encode(std::string_view bytes)
{
    return base64_encode(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

result<std::vector<std::byte>> base64_decode(std::string_view text)
{
    // The incremental decoder accepts padding in the middle ("Zg==Zg=="), which the one-shot
    // form must not: '=' may only fill the last one or two places of the last quartet.
    if (text.size() % 4 != 0)
    {
        return error::bad_base64;
    }
    const auto first_pad = text.find('=');
    if (first_pad != std::string_view::npos && first_pad + 2 < text.size())
    {
        return error::bad_base64;
    }
    std::vector<std::byte> bytes;
    bytes.reserve(text.size() / 4 * 3);
    base64_decoder decoder;
    if (auto ec = decoder.feed(std::as_bytes(std::span(text.data(), text.size())), bytes))
    {
        return ec;
    }
    if (auto ec = decoder.finish())
    {
        return ec;
    }
    return bytes;
}

std::error_code base64_decoder::feed(std::span<const std::byte> text, std::vector<std::byte>& out)
{
    if (failed_)
    {
        return error::bad_base64;
    }
    out.reserve(out.size() + (text.size() + filled_) / 4 * 3);
    std::size_t i = 0;
    while (i < text.size())
    {
        // Fast path for the common case: whole quartets of data characters on a boundary.
        if (filled_ == 0 && text.size() - i >= 4)
        {
            const std::uint8_t a = sextet_of(text[i]);
            const std::uint8_t b = sextet_of(text[i + 1]);
            const std::uint8_t c = sextet_of(text[i + 2]);
            const std::uint8_t d = sextet_of(text[i + 3]);
            if ((a | b | c | d) < 64)
            {
                append_bytes(out,
                             std::uint32_t{a} << 18 | std::uint32_t{b} << 12 |
                                 std::uint32_t{c} << 6 | std::uint32_t{d},
                             3);
                i += 4;
                continue;
            }
        }

        const std::byte ch = text[i++];
        const std::uint8_t value = sextet_of(ch);
        if (value != invalid && padding_ == 0)
        {
            bits_ = bits_ << 6 | value;
        }
        else if (ch == std::byte{'='} && filled_ >= 2)
        {
            // "xx==" and "xxx=" are the only padded forms (RFC 4648 §4); after the first '='
            // only another '=' may follow within the quartet.
            ++padding_;
        }
        else
        {
            failed_ = true;
            return error::bad_base64;
        }
        if (++filled_ == 4)
        {
            const unsigned shift = 6U * padding_;
            append_bytes(out, bits_ << shift, 3U - padding_);
            bits_ = 0;
            filled_ = 0;
            padding_ = 0;
        }
    }
    return {};
}

std::error_code base64_decoder::finish()
{
    const bool ok = !failed_ && filled_ == 0;
    *this = base64_decoder{};
    return ok ? std::error_code{} : make_error_code(error::bad_base64);
}

} // namespace websockify::codec
