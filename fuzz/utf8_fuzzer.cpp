// Fuzzes the incremental UTF-8 validator (codec/utf8.hpp) against a reference written from the
// definition: a sequence fails at the first byte after which no continuation could make it a
// valid code point.
//
// Input: byte 0 says how the text is split into feeds; the rest is the text.
//
// Properties checked besides "no crash":
//  - is_valid_utf8 (both overloads) agrees with the reference;
//  - fed byte by byte, the validator fails exactly at the reference's first bad byte (fail fast,
//    as RFC 6455 §8.1 asks), and complete() agrees at the end;
//  - fed in arbitrary pieces, it has failed after a piece exactly when the bad byte was in it;
//  - reset() forgets a failure.

#include "fuzz_support.hpp"
#include "websockify/codec/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace
{

using namespace websockify;
using websockify::fuzz::chunk_sizes;

constexpr std::size_t none = static_cast<std::size_t>(-1);

struct reference_verdict
{
    std::size_t first_bad = none; ///< index of the byte that makes the text invalid
    bool complete = true;         ///< no sequence is left unfinished at the end
};

/// RFC 3629 §3: the length of the sequence a lead byte starts (0 if it starts none), and the
/// payload bits it carries.
std::size_t sequence_length(std::uint8_t lead)
{
    if (lead < 0x80)
    {
        return 1;
    }
    if ((lead >> 5U) == 0x6U)
    {
        return 2;
    }
    if ((lead >> 4U) == 0xEU)
    {
        return 3;
    }
    return (lead >> 3U) == 0x1EU ? 4 : 0;
}

std::uint32_t lead_bits(std::uint8_t lead, std::size_t length)
{
    static constexpr std::array<std::uint32_t, 5> masks{0, 0x7F, 0x1F, 0x0F, 0x07};
    return lead & masks[length];
}

/// Whether a sequence of `length` bytes whose first `seen` bytes gave `bits` can still end as a
/// code point that UTF-8 allows: the shortest form for its length, not a surrogate, at most
/// U+10FFFF.
bool can_complete(std::uint32_t bits, std::size_t seen, std::size_t length)
{
    static constexpr std::array<std::uint32_t, 5> lowest{0, 0, 0x80, 0x800, 0x10000};
    static constexpr std::array<std::uint32_t, 5> highest{0, 0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
    const auto missing_bits = 6U * static_cast<unsigned>(length - seen);
    const std::uint32_t low = bits << missing_bits;
    const std::uint32_t high = low | ((1U << missing_bits) - 1U);
    const auto from = std::max(low, lowest[length]);
    const auto to = std::min(high, highest[length]);
    const bool only_surrogates = from >= 0xD800 && to <= 0xDFFF;
    return from <= to && !only_surrogates;
}

reference_verdict reference(std::span<const std::byte> text)
{
    std::size_t i = 0;
    while (i < text.size())
    {
        const auto lead = std::to_integer<std::uint8_t>(text[i]);
        const auto length = sequence_length(lead);
        if (length == 0 || !can_complete(lead_bits(lead, length), 1, length))
        {
            return {i, false};
        }
        std::uint32_t bits = lead_bits(lead, length);
        ++i;
        for (std::size_t seen = 1; seen < length; ++seen, ++i)
        {
            if (i == text.size())
            {
                return {none, false};
            }
            const auto next = std::to_integer<std::uint8_t>(text[i]);
            if ((next & 0xC0U) != 0x80U)
            {
                return {i, false};
            }
            bits = bits << 6U | (next & 0x3FU);
            if (!can_complete(bits, seen + 1, length))
            {
                return {i, false};
            }
        }
    }
    return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    const auto text = websockify::fuzz::as_bytes(data + 1, size - 1);
    const auto expected = reference(text);
    const bool valid = expected.first_bad == none && expected.complete;
    FUZZ_REQUIRE(codec::is_valid_utf8(text) == valid);
    FUZZ_REQUIRE(codec::is_valid_utf8(websockify::fuzz::as_text(text)) == valid);

    codec::utf8_validator byte_by_byte;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        FUZZ_REQUIRE(byte_by_byte.feed(text.subspan(i, 1)) == (i < expected.first_bad));
        FUZZ_REQUIRE(byte_by_byte.failed() == (i >= expected.first_bad));
    }
    FUZZ_REQUIRE(byte_by_byte.complete() == valid);

    codec::utf8_validator in_pieces;
    chunk_sizes sizes(data[0]);
    for (std::size_t done = 0; done < text.size();)
    {
        const auto piece = text.subspan(done, sizes.next(text.size() - done));
        done += piece.size();
        FUZZ_REQUIRE(in_pieces.feed(piece) == (done <= expected.first_bad));
    }
    FUZZ_REQUIRE(in_pieces.complete() == valid);

    in_pieces.reset();
    FUZZ_REQUIRE(!in_pieces.failed() && in_pieces.complete());
    const std::array<std::byte, 2> e_acute{std::byte{0xC3}, std::byte{0xA9}};
    FUZZ_REQUIRE(in_pieces.feed(e_acute) && in_pieces.complete());
    return 0;
}
