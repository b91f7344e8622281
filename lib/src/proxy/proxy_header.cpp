#include "websockify/proxy/proxy_header.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <stdexcept>
#include <sys/socket.h>

namespace websockify::proxy
{
namespace
{

using status = parse_result::status;

// Version 1 (spec §2.1), one text line of at most 107 bytes:
//
//   "PROXY" SP ("TCP4" | "TCP6") SP src-addr SP dst-addr SP src-port SP dst-port CRLF
//   "PROXY" SP "UNKNOWN" [SP anything] CRLF
//
// Version 2 (spec §2.2), big-endian:
//
//   offset  size  field
//   0       12    signature \r\n\r\n\0\r\nQUIT\n
//   12      1     version (high nibble, 2) | command (low nibble: 0 LOCAL, 1 PROXY)
//   13      1     family (high: 0 UNSPEC, 1 INET, 2 INET6, 3 UNIX) | transport (low: 0 UNSPEC,
//                 1 STREAM, 2 DGRAM)
//   14      2     length of what follows (addresses, then TLVs)
//   16      12    INET:  src addr (4), dst addr (4), src port (2), dst port (2)
//           36    INET6: src addr (16), dst addr (16), src port (2), dst port (2)
//           216   UNIX:  src path (108), dst path (108)
//   ...           TLVs up to the length (skipped)

constexpr std::string_view v1_prefix = "PROXY ";
/// "PROXY UNKNOWN\r\n": no version 1 header is shorter.
constexpr std::size_t v1_min_size = 15;

constexpr std::uint8_t family_unspec = 0x0;
constexpr std::uint8_t family_inet = 0x1;
constexpr std::uint8_t family_inet6 = 0x2;
constexpr std::uint8_t family_unix = 0x3;
constexpr std::uint8_t transport_stream = 0x1;
constexpr std::uint8_t transport_dgram = 0x2;
constexpr std::size_t inet_block = 12;
constexpr std::size_t inet6_block = 36;
constexpr std::size_t unix_block = 216;

parse_result invalid(std::string_view why)
{
    parse_result result;
    result.state = status::invalid;
    result.problem = why;
    return result;
}

parse_result need_more(std::size_t at_least)
{
    parse_result result;
    result.state = status::need_more;
    result.minimum_size = at_least;
    return result;
}

parse_result complete(header parsed, std::size_t size)
{
    parse_result result;
    result.state = status::complete;
    result.parsed = std::move(parsed);
    result.size = size;
    return result;
}

std::uint8_t byte_at(std::span<const std::byte> input, std::size_t offset)
{
    return std::to_integer<std::uint8_t>(input[offset]);
}

std::string_view as_text(std::span<const std::byte> input)
{
    // The server reads bytes as chars; this only views them.
    return {reinterpret_cast<const char*>(input.data()), input.size()}; // NOLINT
}

/// A decimal port without sign or leading zeros, as every sender writes it.
std::optional<std::uint16_t> parse_v1_port(std::string_view text)
{
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text.front() == '0'))
    {
        return std::nullopt;
    }
    unsigned value = 0;
    for (const char c : text)
    {
        if (c < '0' || c > '9')
        {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535)
    {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

std::optional<endpoint> parse_v1_address(std::string_view text, bool ipv6)
{
    // inet_pton is strict where the spec is: dotted quads without leading zeros, and IPv6
    // without zone or brackets.
    const std::string copy(text);
    endpoint result;
    result.ipv6 = ipv6;
    // A NUL would end the C string early and let trailing junk pass.
    if (text.find('\0') != std::string_view::npos ||
        inet_pton(ipv6 ? AF_INET6 : AF_INET, copy.c_str(), result.address.data()) != 1)
    {
        return std::nullopt;
    }
    return result;
}

/// The fields after "PROXY " on a line without its CRLF.
parse_result parse_v1_line(std::string_view fields, std::size_t size)
{
    const auto space = fields.find(' ');
    const auto protocol = fields.substr(0, space);
    header parsed;
    parsed.version = 1;
    parsed.what = command::proxy;
    if (protocol == "UNKNOWN")
    {
        // Spec: the rest of the line is to be ignored, and the socket's own endpoints used.
        return complete(parsed, size);
    }
    if (protocol != "TCP4" && protocol != "TCP6")
    {
        return invalid("PROXY v1: protocol is not TCP4, TCP6 or UNKNOWN");
    }
    std::array<std::string_view, 4> parts{};
    std::string_view rest =
        space == std::string_view::npos ? std::string_view{} : fields.substr(space + 1);
    for (std::size_t i = 0; i < parts.size(); ++i)
    {
        const auto next = rest.find(' ');
        const bool last = i + 1 == parts.size();
        if (space == std::string_view::npos || last != (next == std::string_view::npos))
        {
            return invalid("PROXY v1: expected source and destination address and port");
        }
        parts.at(i) = rest.substr(0, next);
        rest = last ? std::string_view{} : rest.substr(next + 1);
    }
    const bool ipv6 = protocol == "TCP6";
    auto source = parse_v1_address(parts[0], ipv6);
    auto destination = parse_v1_address(parts[1], ipv6);
    if (!source || !destination)
    {
        return invalid(ipv6 ? "PROXY v1: bad IPv6 address" : "PROXY v1: bad IPv4 address");
    }
    const auto source_port = parse_v1_port(parts[2]);
    const auto destination_port = parse_v1_port(parts[3]);
    if (!source_port || !destination_port)
    {
        return invalid("PROXY v1: bad port (0-65535, no leading zeros)");
    }
    source->port = *source_port;
    destination->port = *destination_port;
    parsed.source = source;
    parsed.destination = destination;
    return complete(parsed, size);
}

parse_result parse_v1(std::span<const std::byte> input)
{
    const auto text = as_text(input);
    const auto compared = std::min(text.size(), v1_prefix.size());
    if (text.substr(0, compared) != v1_prefix.substr(0, compared))
    {
        return invalid("no PROXY protocol header");
    }
    const auto searched = text.substr(0, std::min(text.size(), v1_max_size));
    const auto end = searched.find_first_of("\r\n");
    if (end == std::string_view::npos)
    {
        if (text.size() >= v1_max_size)
        {
            return invalid("PROXY v1: no \\r\\n within 107 bytes");
        }
        return need_more(std::max(v1_min_size, text.size() + 2)); // at least the "\r\n"
    }
    if (searched[end] == '\n')
    {
        return invalid("PROXY v1: line ends with \\n instead of \\r\\n");
    }
    const auto size = end + 2;
    if (size > v1_max_size)
    {
        return invalid("PROXY v1: no \\r\\n within 107 bytes");
    }
    if (text.size() < size)
    {
        return need_more(std::max(v1_min_size, size));
    }
    if (text[end + 1] != '\n')
    {
        return invalid("PROXY v1: \\r not followed by \\n");
    }
    // The prefix matched, so the line is at least "PROXY ".
    return parse_v1_line(text.substr(v1_prefix.size(), end - v1_prefix.size()), size);
}

endpoint read_v2_address(std::span<const std::byte> block, bool ipv6, std::size_t port_offset)
{
    endpoint result;
    result.ipv6 = ipv6;
    const std::size_t length = ipv6 ? 16 : 4;
    std::transform(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(length),
                   result.address.begin(),
                   [](std::byte b) { return std::to_integer<std::uint8_t>(b); });
    result.port = static_cast<std::uint16_t>((byte_at(block, port_offset) << 8U) |
                                             byte_at(block, port_offset + 1));
    return result;
}

std::size_t v2_address_block(std::uint8_t family)
{
    switch (family)
    {
    case family_inet:
        return inet_block;
    case family_inet6:
        return inet6_block;
    case family_unix:
        return unix_block;
    default:
        return 0;
    }
}

parse_result parse_v2(std::span<const std::byte> input)
{
    const auto compared = std::min(input.size(), v2_signature.size());
    for (std::size_t i = 0; i < compared; ++i)
    {
        if (byte_at(input, i) != v2_signature.at(i))
        {
            return invalid("no PROXY protocol header");
        }
    }
    if (input.size() <= 12)
    {
        return need_more(v2_fixed_size);
    }
    const auto version_command = byte_at(input, 12);
    if ((version_command >> 4U) != 2)
    {
        return invalid("PROXY v2: version is not 2");
    }
    const auto command_bits = version_command & 0x0FU;
    if (command_bits > 1)
    {
        return invalid("PROXY v2: command is neither LOCAL nor PROXY");
    }
    const bool proxied = command_bits == 1;
    if (input.size() <= 13)
    {
        return need_more(v2_fixed_size);
    }
    const auto family = static_cast<std::uint8_t>(byte_at(input, 13) >> 4U);
    const auto transport = static_cast<std::uint8_t>(byte_at(input, 13) & 0x0FU);
    // LOCAL discards the family with the address block (spec §2.2); PROXY must name a known one.
    if (proxied && (family > family_unix || transport > transport_dgram))
    {
        return invalid("PROXY v2: unknown address family or transport");
    }
    if (input.size() < v2_fixed_size)
    {
        return need_more(v2_fixed_size);
    }
    const std::size_t length = (std::size_t{byte_at(input, 14)} << 8U) | byte_at(input, 15);
    if (proxied && length < v2_address_block(family))
    {
        return invalid("PROXY v2: length too short for the addresses");
    }
    const auto size = v2_fixed_size + length;
    if (input.size() < size)
    {
        return need_more(size);
    }
    header parsed;
    parsed.version = 2;
    parsed.what = proxied ? command::proxy : command::local;
    const bool inet = family == family_inet || family == family_inet6;
    if (proxied && inet && transport == transport_stream)
    {
        const bool ipv6 = family == family_inet6;
        const std::size_t length_of_address = ipv6 ? 16 : 4;
        const auto block = input.subspan(v2_fixed_size, v2_address_block(family));
        parsed.source = read_v2_address(block, ipv6, 2 * length_of_address);
        parsed.destination =
            read_v2_address(block.subspan(length_of_address), ipv6, length_of_address + 2);
    }
    return complete(parsed, size);
}

std::string raw_address_text(const endpoint& e)
{
    std::array<char, INET6_ADDRSTRLEN> text{};
    inet_ntop(e.ipv6 ? AF_INET6 : AF_INET, e.address.data(), text.data(),
              static_cast<socklen_t>(text.size()));
    return text.data();
}

void append_u16(std::vector<std::byte>& out, std::uint16_t value)
{
    out.push_back(static_cast<std::byte>(value >> 8U));
    out.push_back(static_cast<std::byte>(value & 0xFFU));
}

void append_address(std::vector<std::byte>& out, const endpoint& e)
{
    const std::size_t length = e.ipv6 ? 16 : 4;
    for (std::size_t i = 0; i < length; ++i)
    {
        out.push_back(static_cast<std::byte>(e.address.at(i)));
    }
}

} // namespace

parse_result parse_header(std::span<const std::byte> input)
{
    if (input.empty())
    {
        return need_more(v1_min_size);
    }
    const auto first = byte_at(input, 0);
    if (first == 'P')
    {
        return parse_v1(input);
    }
    if (first == v2_signature[0])
    {
        return parse_v2(input);
    }
    return invalid("no PROXY protocol header");
}

std::string format_v1(const header& h)
{
    if (!h.source)
    {
        return "PROXY UNKNOWN\r\n";
    }
    endpoint destination = h.destination.value_or(endpoint{});
    destination.ipv6 = h.source->ipv6;
    return std::string("PROXY ") + (h.source->ipv6 ? "TCP6 " : "TCP4 ") +
           raw_address_text(*h.source) + ' ' + raw_address_text(destination) + ' ' +
           std::to_string(h.source->port) + ' ' + std::to_string(destination.port) + "\r\n";
}

std::vector<std::byte> format_v2(const header& h, std::span<const std::byte> tlvs)
{
    std::vector<std::byte> out;
    for (const auto b : v2_signature)
    {
        out.push_back(static_cast<std::byte>(b));
    }
    const bool proxied = h.what == command::proxy;
    out.push_back(static_cast<std::byte>(proxied ? 0x21 : 0x20));
    const bool addresses = proxied && h.source.has_value();
    const bool ipv6 = addresses && h.source->ipv6;
    const std::uint8_t family = addresses ? (ipv6 ? family_inet6 : family_inet) : family_unspec;
    const std::uint8_t transport = addresses ? transport_stream : 0;
    out.push_back(static_cast<std::byte>((family << 4U) | transport));
    const auto length = v2_address_block(family) + tlvs.size();
    if (length > 0xFFFF)
    {
        throw std::length_error("PROXY v2 header longer than 65535 bytes after its fixed part");
    }
    append_u16(out, static_cast<std::uint16_t>(length));
    if (addresses)
    {
        endpoint destination = h.destination.value_or(endpoint{});
        destination.ipv6 = ipv6;
        append_address(out, *h.source);
        append_address(out, destination);
        append_u16(out, h.source->port);
        append_u16(out, destination.port);
    }
    out.insert(out.end(), tlvs.begin(), tlvs.end());
    return out;
}

std::string address_text(const endpoint& e)
{
    constexpr std::array<std::uint8_t, 12> mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (e.ipv6 && std::equal(mapped_prefix.begin(), mapped_prefix.end(), e.address.begin()))
    {
        endpoint v4;
        std::copy_n(e.address.begin() + 12, 4, v4.address.begin());
        return raw_address_text(v4);
    }
    return raw_address_text(e);
}

} // namespace websockify::proxy
