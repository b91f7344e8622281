#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// The client side of RFC 6455, written apart from websockify's own codec so that the benchmark
/// checks the proxy against an independent reading of the RFC. No I/O here.
namespace bench::ws
{

inline constexpr std::uint8_t op_continuation = 0x0;
inline constexpr std::uint8_t op_text = 0x1;
inline constexpr std::uint8_t op_binary = 0x2;
inline constexpr std::uint8_t op_close = 0x8;
inline constexpr std::uint8_t op_ping = 0x9;
inline constexpr std::uint8_t op_pong = 0xA;

/// Largest client frame header: 2 bytes, 8 bytes of extended length, 4 bytes of mask (§5.2).
inline constexpr std::size_t max_client_header_size = 14;

/// A fresh Sec-WebSocket-Key: base64 of 16 random bytes (RFC 6455 §4.1, item 7).
std::string make_key();

/// base64(SHA-1(key + GUID)), the Sec-WebSocket-Accept a server must answer (§4.2.2).
std::string make_accept_key(std::string_view key);

/// The opening handshake request (§4.1). `subprotocol` may be empty (no header is sent).
std::string make_upgrade_request(std::string_view host, std::uint16_t port, std::string_view path,
                                 std::string_view key, std::string_view subprotocol);

/// Checks a response head (status line to the blank line, inclusive) against §4.1's client
/// rules: 101, Upgrade: websocket, Connection: Upgrade, the accept key, and a subprotocol
/// only if one was offered. Empty when valid, else what is wrong.
std::string check_upgrade_response(std::string_view head, std::string_view key,
                                   std::string_view subprotocol);

/// A 32-bit masking key source; frames sent by a client must be masked (§5.3).
class mask_source
{
public:
    mask_source();
    std::uint32_t next() noexcept;

private:
    std::uint64_t state_;
};

/// Writes a masked client frame (FIN set) into `out`, replacing its content: header, then
/// `payload` XORed with `mask`.
void encode_client_frame(std::vector<std::byte>& out, std::uint8_t opcode,
                         std::span<const std::byte> payload, std::uint32_t mask);

/// XORs `data` in place with the 4-byte `mask`, where data[0] is payload byte `offset`.
void apply_mask(std::span<std::byte> data, std::uint32_t mask, std::size_t offset = 0) noexcept;

/// A parsed server frame header.
///
///   byte 0: FIN | RSV1 RSV2 RSV3 | opcode (4 bits)
///   byte 1: MASK | payload length (7 bits: 0-125, 126 = 16-bit follows, 127 = 64-bit follows)
///   then the extended length (network order), then the mask key if MASK (never from a server)
struct frame_header
{
    bool fin = false;
    std::uint8_t opcode = 0;
    std::uint64_t length = 0;
    std::size_t size = 0; ///< bytes the header itself takes
};

/// Result of `parse_server_frame_header`: a header, "need more bytes" (nullopt, no error), or
/// a protocol violation (error set).
struct header_parse
{
    std::optional<frame_header> header;
    std::string error;
};

/// Parses one server-to-client frame header from the front of `data`. Servers must not mask
/// (§5.1), no extension is negotiated so RSV must be 0, and control frames carry at most 125
/// bytes without fragmentation (§5.5).
header_parse parse_server_frame_header(std::span<const std::byte> data);

} // namespace bench::ws
