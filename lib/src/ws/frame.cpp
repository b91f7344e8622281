#include "websockify/ws/frame.hpp"

#include <cassert>
#include <cstring>

namespace websockify::ws
{
namespace
{

constexpr std::byte fin_bit{0x80};
constexpr std::byte mask_bit{0x80};
constexpr std::uint8_t length_16 = 126;
constexpr std::uint8_t length_64 = 127;

/// Writes the low out.size() bytes of value big-endian (network order, RFC 6455 §5.2).
void put_big_endian(std::span<std::byte> out, std::uint64_t value) noexcept
{
    for (std::size_t i = out.size(); i-- > 0;)
    {
        out[i] = static_cast<std::byte>(value & 0xFFU);
        value >>= 8U;
    }
}

} // namespace

// Layout written (RFC 6455 §5.2); the decoder documents each bit:
//   [FIN|000|opcode] [MASK|len7] [16- or 64-bit length if len7 is 126/127] [mask key if MASK]
std::size_t encode_frame_header(std::span<std::byte, max_frame_header_size> out, opcode op,
                                std::uint64_t payload_size, bool fin,
                                std::optional<mask_key> mask) noexcept
{
    assert(payload_size >> 63U == 0 && "RFC 6455 §5.2: the top bit of a 64-bit length is 0");
    out[0] = static_cast<std::byte>(op) | (fin ? fin_bit : std::byte{0});
    const std::byte masked = mask ? mask_bit : std::byte{0};
    std::size_t size = 2;
    if (payload_size < length_16)
    {
        out[1] = masked | static_cast<std::byte>(payload_size);
    }
    else if (payload_size <= 0xFFFFU)
    {
        out[1] = masked | std::byte{length_16};
        put_big_endian(out.subspan(2, 2), payload_size);
        size += 2;
    }
    else
    {
        out[1] = masked | std::byte{length_64};
        put_big_endian(out.subspan(2, 8), payload_size);
        size += 8;
    }
    if (mask)
    {
        std::memcpy(&out[size], mask->data(), mask->size());
        size += mask->size();
    }
    return size;
}

void apply_mask(std::span<std::byte> data, mask_key key, std::uint64_t offset) noexcept
{
    // Repeat the key, rotated by offset, over eight bytes: 8 is a multiple of the key length, so
    // pattern[i % 8] masks data[i], and whole 64-bit words can be XORed at once. memcpy keeps
    // the word access free of alignment and aliasing concerns and compiles to plain loads.
    std::array<std::byte, sizeof(std::uint64_t)> pattern{};
    for (std::size_t i = 0; i < pattern.size(); ++i)
    {
        pattern[i] = key[(offset + i) % key.size()];
    }
    std::uint64_t word_mask = 0;
    std::memcpy(&word_mask, pattern.data(), sizeof word_mask);

    const std::size_t size = data.size();
    std::size_t i = 0;
    for (; i + 2 * sizeof(std::uint64_t) <= size; i += 2 * sizeof(std::uint64_t))
    {
        std::array<std::uint64_t, 2> words{};
        std::memcpy(words.data(), &data[i], sizeof words);
        words[0] ^= word_mask;
        words[1] ^= word_mask;
        std::memcpy(&data[i], words.data(), sizeof words);
    }
    for (; i < size; ++i)
    {
        data[i] ^= pattern[i % pattern.size()];
    }
}

std::vector<std::byte> make_close_payload(std::uint16_t code, std::string_view reason)
{
    if (code == static_cast<std::uint16_t>(close_code::no_status))
    {
        return {};
    }
    // Cut the reason back to the start of the sequence that would straddle the limit, so the
    // truncated reason stays valid UTF-8 (RFC 6455 §5.5.1 requires it).
    constexpr std::size_t max_reason = max_control_payload - 2;
    std::size_t keep = reason.size();
    if (keep > max_reason)
    {
        keep = max_reason;
        while (keep > 0 && (static_cast<unsigned char>(reason[keep]) & 0xC0U) == 0x80U)
        {
            --keep;
        }
    }
    std::vector<std::byte> payload(2 + keep);
    put_big_endian(std::span(payload).first(2), code);
    for (std::size_t i = 0; i < keep; ++i)
    {
        payload[2 + i] = static_cast<std::byte>(reason[i]);
    }
    return payload;
}

bool is_valid_wire_close_code(std::uint16_t code) noexcept
{
    // 1004 is reserved; 1005, 1006 and 1015 only report locally what happened; 1016-2999 are
    // reserved for future RFCs; 3000-3999 are IANA-registered and 4000-4999 private use.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

close_info parse_close_payload(std::span<const std::byte> payload)
{
    close_info info;
    if (payload.size() < 2)
    {
        return info;
    }
    info.code = static_cast<std::uint16_t>(std::to_integer<unsigned>(payload[0]) << 8U |
                                           std::to_integer<unsigned>(payload[1]));
    const auto reason = payload.subspan(2);
    info.reason.reserve(reason.size());
    for (const std::byte b : reason)
    {
        info.reason.push_back(std::to_integer<char>(b));
    }
    return info;
}

} // namespace websockify::ws
