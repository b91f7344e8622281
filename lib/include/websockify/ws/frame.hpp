#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::ws
{

/// Frame opcodes (RFC 6455 §5.2, §11.8); the other values are reserved and fail with 1002.
enum class opcode : std::uint8_t
{
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

/// Whether op is a control opcode (RFC 6455 §5.5: the high bit of the opcode is set).
constexpr bool is_control(opcode op) noexcept
{
    return (static_cast<std::uint8_t>(op) & 0x8U) != 0;
}

/// Close status codes (RFC 6455 §7.4.1). 1005 and 1006 are never sent on the wire.
enum class close_code : std::uint16_t
{
    normal = 1000,
    going_away = 1001,
    protocol_error = 1002,
    unsupported_data = 1003,
    no_status = 1005,
    abnormal = 1006,
    invalid_payload = 1007,
    policy_violation = 1008,
    message_too_big = 1009,
    mandatory_extension = 1010,
    internal_error = 1011,
};

/// 2 bytes + 8 of 64-bit length + 4 of mask key (RFC 6455 §5.2).
inline constexpr std::size_t max_frame_header_size = 14;
/// Control frames carry at most 125 payload bytes (RFC 6455 §5.5).
inline constexpr std::size_t max_control_payload = 125;

using mask_key = std::array<std::byte, 4>;

/// Writes a frame header (RFC 6455 §5.2) into out and returns its size (2..14), using the
/// shortest length encoding. Server frames pass no mask; clients (tests, bench) pass one.
/// payload_size must be below 2^63.
std::size_t encode_frame_header(std::span<std::byte, max_frame_header_size> out, opcode op,
                                std::uint64_t payload_size, bool fin = true,
                                std::optional<mask_key> mask = std::nullopt) noexcept;

/// XORs data with key in place (RFC 6455 §5.3); masking twice restores the data. offset is the
/// index of data[0] within the frame payload, so that chunks can be unmasked separately.
void apply_mask(std::span<std::byte> data, mask_key key, std::uint64_t offset) noexcept;

/// Close frame payload (RFC 6455 §5.5.1): code big-endian, then reason truncated to fit 125
/// bytes without splitting a UTF-8 sequence. code 1005 (no_status) gives an empty payload.
std::vector<std::byte> make_close_payload(std::uint16_t code, std::string_view reason);

/// Whether code may appear in a close frame on the wire (RFC 6455 §7.4.1-§7.4.2): 1000-1003,
/// 1007-1011, 1012-1014 (registered by IANA) and 3000-4999.
bool is_valid_wire_close_code(std::uint16_t code) noexcept;

/// A close frame's status code and reason (RFC 6455 §5.5.1).
struct close_info
{
    std::uint16_t code = 1005;
    std::string reason;
};

/// Parses a close payload already validated by frame_decoder; a payload shorter than 2 bytes
/// gives code 1005 (no_status) and no reason (RFC 6455 §7.1.5).
close_info parse_close_payload(std::span<const std::byte> payload);

} // namespace websockify::ws
