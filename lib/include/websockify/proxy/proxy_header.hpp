#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::proxy
{

/// The HAProxy PROXY protocol (versions 1 and 2): a header a load balancer writes in front of
/// the client's own bytes, naming the client it accepted. Spec: haproxy.org, proxy-protocol.txt.

/// The 12 bytes that open a version 2 header: "\r\n\r\n\0\r\nQUIT\n".
inline constexpr std::array<std::uint8_t, 12> v2_signature{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                           0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
/// Longest version 1 header, "\r\n" included (spec §2.1).
inline constexpr std::size_t v1_max_size = 107;
/// Signature, version/command, family/transport and the 16-bit length (spec §2.2).
inline constexpr std::size_t v2_fixed_size = 16;
/// The length field counts at most 65535 bytes after the fixed part.
inline constexpr std::size_t v2_max_size = v2_fixed_size + 65535;

/// LOCAL: the proxy speaks for itself (health checks), the socket's peer stays the client.
/// PROXY: the connection is relayed for the client the header names.
enum class command
{
    local,
    proxy,
};

/// One side of the proxied TCP connection.
struct endpoint
{
    std::array<std::uint8_t, 16> address{}; ///< network byte order; IPv4 uses the first 4
    bool ipv6 = false;
    std::uint16_t port = 0;

    friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// A complete, valid header.
struct header
{
    unsigned version = 1; ///< 1 (text) or 2 (binary)
    command what = command::proxy;
    /// The client (source) and the proxy's address it connected to (destination), both of the
    /// same family. Unset for LOCAL, v1 UNKNOWN, and v2 families other than TCP over IPv4/IPv6
    /// (AF_UNSPEC, AF_UNIX, datagrams): the socket's own peer is then the client.
    std::optional<endpoint> source;
    std::optional<endpoint> destination;

    friend bool operator==(const header&, const header&) = default;
};

/// What the bytes received so far amount to.
struct parse_result
{
    enum class status
    {
        complete,  ///< `parsed` is valid and took `size` bytes; what follows is the client's
        need_more, ///< a valid beginning: read more, but no byte beyond `minimum_size` in total
        invalid,   ///< no PROXY header (or a malformed one): `problem` says why
    };
    status state = status::need_more;
    header parsed;
    std::size_t size = 0;         ///< complete: the header's length in bytes
    std::size_t minimum_size = 0; ///< need_more: the whole header is at least this long
    std::string_view problem;     ///< invalid: a static English reason
};

/// Parses a PROXY header (v1 or v2, told apart by the first byte) at the start of `input`,
/// which may be a prefix of it. Never reads past the header: a reader may consume what it
/// peeked while the answer is need_more, since every byte so far is then part of the header.
/// v1: "PROXY TCP4|TCP6 src dst sport dport\r\n" (single spaces, no leading zeros in ports) or
/// "PROXY UNKNOWN ...\r\n"; v2: version 2, command LOCAL or PROXY, TLVs skipped unchecked.
parse_result parse_header(std::span<const std::byte> input);

/// The version 1 line for `h` ("PROXY UNKNOWN\r\n" without addresses).
std::string format_v1(const header& h);

/// The version 2 header for `h`, followed by `tlvs` (raw type-length-value bytes, not checked).
std::vector<std::byte> format_v2(const header& h, std::span<const std::byte> tlvs = {});

/// An address as logs show it: "192.0.2.1", "2001:db8::1"; an IPv4-mapped IPv6 address as
/// IPv4, as for directly connected clients.
std::string address_text(const endpoint& e);

} // namespace websockify::proxy
