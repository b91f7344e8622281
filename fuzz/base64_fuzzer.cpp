// Fuzzes base64 (codec/base64.hpp): the strict one-shot base64_decode, the incremental
// base64_decoder of the `base64` subprotocol, and base64_encode.
//
// Input: byte 0 says how the text is split into feeds; the rest is the text to decode, and the
// whole input is also the bytes to encode.
//
// Properties checked besides "no crash":
//  - decode(encode(bytes)) == bytes, and the encoding has the RFC 4648 length and alphabet;
//  - the incremental decoder gives the same result however the text is split;
//  - one-shot and incremental agree: the one-shot form accepts exactly the texts the incremental
//    one accepts whose padding (if any) is in the last two places, and both give the same bytes;
//  - re-encoding decoded text gives the text back, except for the pad bits a decoder ignores;
//  - after a failure, finish() resets the decoder for the next message.

#include "fuzz_support.hpp"
#include "websockify/codec/base64.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;
using websockify::fuzz::chunk_sizes;

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void check_encode_round_trip(std::span<const std::byte> bytes)
{
    const auto text = codec::base64_encode(bytes);
    FUZZ_REQUIRE(text.size() == (bytes.size() + 2) / 3 * 4);
    const auto data_chars = text.find('=') == std::string::npos ? text.size() : text.find('=');
    FUZZ_REQUIRE(text.find_first_not_of(alphabet) ==
                 (data_chars == text.size() ? std::string::npos : data_chars));
    FUZZ_REQUIRE(text.size() - data_chars == (3 - bytes.size() % 3) % 3);
    const auto decoded = codec::base64_decode(text);
    FUZZ_REQUIRE(decoded &&
                 std::equal(decoded->begin(), decoded->end(), bytes.begin(), bytes.end()));
}

/// The incremental decoder's bytes for the whole text, fed in pieces; nullopt on failure.
std::optional<std::vector<std::byte>> decode_incrementally(std::string_view text,
                                                           std::uint8_t split)
{
    codec::base64_decoder decoder;
    chunk_sizes sizes(split);
    std::vector<std::byte> out;
    auto rest = std::as_bytes(std::span(text.data(), text.size()));
    bool ok = true;
    while (!rest.empty())
    {
        const auto piece = rest.first(sizes.next(rest.size()));
        rest = rest.subspan(piece.size());
        if (decoder.feed(piece, out))
        {
            ok = false;
            // The failure is sticky until finish().
            FUZZ_REQUIRE(decoder.feed(rest, out));
            break;
        }
    }
    ok = !decoder.finish() && ok;
    // finish() resets, so the decoder is ready for the next message whatever happened.
    std::vector<std::byte> next;
    const std::string_view abc = "QUJD";
    FUZZ_REQUIRE(!decoder.feed(std::as_bytes(std::span(abc.data(), abc.size())), next));
    FUZZ_REQUIRE(!decoder.finish() && next.size() == 3 && next[0] == std::byte{'A'});
    return ok ? std::optional(out) : std::nullopt;
}

/// Where a one-shot decoder may see padding: nowhere, or only in the last two places.
bool padding_only_at_end(std::string_view text)
{
    const auto first_pad = text.find('=');
    return first_pad == std::string_view::npos || first_pad + 2 >= text.size();
}

void check_reencoding(std::string_view text, const std::vector<std::byte>& bytes)
{
    const auto again = codec::base64_encode(bytes);
    FUZZ_REQUIRE(again.size() == text.size());
    const auto padding = text.size() - std::min(text.size(), text.find('='));
    const auto exact = text.size() - (padding == 0 ? 0 : padding + 1);
    FUZZ_REQUIRE(again.substr(0, exact) == text.substr(0, exact));
    if (padding != 0)
    {
        // The last data character ends in 2 pad bits (one '=') or 4 (two), which carry no data.
        const auto pad_bits = padding == 1 ? 0x3U : 0xFU;
        const auto sent = static_cast<unsigned>(alphabet.find(text[exact]));
        const auto canonical = static_cast<unsigned>(alphabet.find(again[exact]));
        FUZZ_REQUIRE((sent & ~pad_bits) == canonical);
        FUZZ_REQUIRE(again.substr(exact + 1) == text.substr(exact + 1));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    check_encode_round_trip(websockify::fuzz::as_bytes(data, size));
    if (size == 0)
    {
        return 0;
    }
    const auto text = as_text(data + 1, size - 1);
    const auto whole = decode_incrementally(text, 0);
    FUZZ_REQUIRE(decode_incrementally(text, data[0]) == whole);

    const auto one_shot = codec::base64_decode(text);
    FUZZ_REQUIRE(one_shot.has_value() == (whole.has_value() && padding_only_at_end(text)));
    if (one_shot)
    {
        FUZZ_REQUIRE(*one_shot == *whole);
        check_reencoding(text, *one_shot);
    }
    return 0;
}
