// Fuzzes the PROXY protocol header parser (proxy/proxy_header.hpp), v1 and v2.
//
// Input: the first byte picks how the stream is cut into reads (fuzz::chunk_sizes); the rest is
// what a client sends, header first.
//
// Properties checked besides "no crash":
//  - a complete header never claims more bytes than it was given, at most 107 for v1 and
//    16 + 65535 for v2; an invalid one names its problem;
//  - incremental: every shorter prefix of a complete header is need_more with a minimum size
//    beyond the prefix and within the header, every longer input gives the same header, and a
//    reader that appends chunks (as read_proxy_header does) ends with the same answer as one
//    parse of everything; once a prefix is invalid, every longer one is;
//  - round trips: a parsed v1 header re-serialised parses to the same header (and a TCP4 line
//    re-serialises to the very bytes received); a parsed v2 header re-serialised with the
//    bytes that followed its addresses parses to the same header, byte for byte when it named
//    TCP addresses;
//  - source and destination come together, of one family, and address_text of them is an IP
//    address that token::ip_address reads back.

#include "fuzz_support.hpp"
#include "websockify/proxy/proxy_header.hpp"
#include "websockify/token/allow_list.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace
{

using namespace websockify;
using status = proxy::parse_result::status;

/// Prefix checks cost a parse per length: only the first bytes are checked one by one.
constexpr std::size_t prefix_checked = 600;

void check_complete(std::span<const std::byte> input, const proxy::parse_result& whole)
{
    FUZZ_REQUIRE(whole.size <= input.size());
    FUZZ_REQUIRE(whole.size >= 15);
    const auto& h = whole.parsed;
    FUZZ_REQUIRE(h.version == 1 || h.version == 2);
    FUZZ_REQUIRE(h.version == 2 || whole.size <= proxy::v1_max_size);
    FUZZ_REQUIRE(h.version == 1 ||
                 (whole.size >= proxy::v2_fixed_size && whole.size <= proxy::v2_max_size));
    FUZZ_REQUIRE(h.source.has_value() == h.destination.has_value());
    FUZZ_REQUIRE(h.what == proxy::command::proxy || !h.source);
    if (h.source)
    {
        FUZZ_REQUIRE(h.source->ipv6 == h.destination->ipv6);
        for (const auto* e : {&*h.source, &*h.destination})
        {
            const auto text = proxy::address_text(*e);
            FUZZ_REQUIRE(!text.empty());
            FUZZ_REQUIRE(token::ip_address::parse(text).has_value());
        }
    }
}

void check_prefixes(std::span<const std::byte> input, const proxy::parse_result& whole)
{
    const auto checked = std::min(input.size(), prefix_checked);
    bool was_invalid = false;
    for (std::size_t n = 0; n <= checked; ++n)
    {
        const auto part = proxy::parse_header(input.first(n));
        if (was_invalid)
        {
            FUZZ_REQUIRE(part.state == status::invalid);
            continue;
        }
        was_invalid = part.state == status::invalid;
        if (part.state == status::invalid)
        {
            FUZZ_REQUIRE(!part.problem.empty());
            FUZZ_REQUIRE(whole.state == status::invalid);
        }
        if (whole.state != status::complete)
        {
            continue;
        }
        if (n < whole.size)
        {
            FUZZ_REQUIRE(part.state == status::need_more);
            FUZZ_REQUIRE(part.minimum_size > n && part.minimum_size <= whole.size);
        }
        else
        {
            FUZZ_REQUIRE(part.state == status::complete);
            FUZZ_REQUIRE(part.size == whole.size && part.parsed == whole.parsed);
        }
    }
}

/// What read_proxy_header does: append each read, parse, stop at complete or invalid.
void check_chunked(std::span<const std::byte> input, const proxy::parse_result& whole,
                   std::uint8_t pattern)
{
    fuzz::chunk_sizes chunks(pattern);
    std::size_t have = 0;
    proxy::parse_result last = proxy::parse_header(input.first(0));
    while (have < input.size() && last.state == status::need_more)
    {
        have += chunks.next(input.size() - have);
        last = proxy::parse_header(input.first(have));
    }
    FUZZ_REQUIRE(last.state == whole.state);
    if (whole.state == status::complete)
    {
        FUZZ_REQUIRE(last.size == whole.size && last.parsed == whole.parsed);
    }
}

void check_round_trip(std::span<const std::byte> input, const proxy::parse_result& whole)
{
    const auto& h = whole.parsed;
    if (h.version == 1)
    {
        const auto line = proxy::format_v1(h);
        FUZZ_REQUIRE(line.size() <= proxy::v1_max_size);
        const auto again = proxy::parse_header(std::as_bytes(std::span(line)));
        FUZZ_REQUIRE(again.state == status::complete);
        FUZZ_REQUIRE(again.size == line.size() && again.parsed == h);
        if (h.source && !h.source->ipv6)
        {
            FUZZ_REQUIRE(fuzz::as_text(input.first(whole.size)) == line);
        }
        return;
    }
    // The bytes after the addresses (TLVs, or the whole block when no address was taken).
    const std::size_t block = h.source ? (h.source->ipv6 ? 36 : 12) : 0;
    const auto tail =
        input.subspan(proxy::v2_fixed_size + block, whole.size - proxy::v2_fixed_size - block);
    const auto encoded = proxy::format_v2(h, tail);
    FUZZ_REQUIRE(encoded.size() == whole.size);
    const auto again = proxy::parse_header(encoded);
    FUZZ_REQUIRE(again.state == status::complete);
    FUZZ_REQUIRE(again.size == encoded.size() && again.parsed == h);
    if (h.source)
    {
        FUZZ_REQUIRE(std::equal(encoded.begin(), encoded.end(), input.begin()));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    const auto pattern = data[0];
    const auto input = fuzz::as_bytes(data + 1, size - 1);
    const auto whole = proxy::parse_header(input);
    if (whole.state == status::invalid)
    {
        FUZZ_REQUIRE(!whole.problem.empty());
    }
    if (whole.state == status::need_more)
    {
        FUZZ_REQUIRE(whole.minimum_size > input.size());
    }
    if (whole.state == status::complete)
    {
        check_complete(input, whole);
        check_round_trip(input, whole);
    }
    check_prefixes(input, whole);
    check_chunked(input, whole, pattern);
    return 0;
}
