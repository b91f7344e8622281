#pragma once

#include "websockify/codec/utf8.hpp"
#include "websockify/ws/frame.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace websockify::ws
{

/// What the decoder enforces beyond RFC 6455 §5 itself.
struct decoder_options
{
    /// 0 = unlimited; a message (sum of its fragments) larger fails with 1009 (RFC 6455 §7.4.1).
    std::uint64_t max_message_size = 0;
    /// Server side: an unmasked client frame fails with 1002 (RFC 6455 §5.1).
    bool require_mask = true;
    /// Text messages are checked incrementally across fragments; invalid fails with 1007 (§8.1).
    bool validate_text_utf8 = true;
    /// permessage-deflate was negotiated (RFC 7692 §6): RSV1 marks a compressed message on its
    /// first frame. Its text is then left to the caller to check, after inflating.
    bool allow_compressed = false;
};

enum class frame_event_kind
{
    need_more, ///< all of the input was taken; call again with more bytes
    data,      ///< a slice of a text or binary message
    control,   ///< a whole ping, pong or close frame
    failed,    ///< the connection must be failed with `failure` (RFC 6455 §7.1.7)
};

/// One result of frame_decoder::next().
struct frame_event
{
    frame_event_kind kind = frame_event_kind::need_more;
    /// Bytes of the input used by this call (for every kind).
    std::size_t consumed = 0;
    /// data: text or binary, from the message's first frame.
    opcode message_type = opcode::binary;
    /// data: unmasked bytes inside the caller's input span (unmasked in place).
    /// control: the whole control payload, decoder-owned, valid until the next call.
    std::span<std::byte> payload{};
    /// data: this chunk ends the message (its FIN frame is fully delivered).
    bool message_complete = false;
    /// data: the message is compressed (RSV1 on its first frame, RFC 7692 §6).
    bool compressed = false;
    /// control: ping, pong or close.
    opcode control_type = opcode::ping;
    /// failed: the close code to send.
    close_code failure = close_code::protocol_error;
    /// failed: short static text for the close reason and the log.
    std::string_view failure_reason{};
};

/// Incremental decoder of client frames (RFC 6455 §5): accepts the byte stream in any chunking,
/// unmasks in place and never allocates. Data is delivered as soon as it arrives; control frames
/// are collected whole, and may interleave with the fragments of a message (§5.4).
class frame_decoder
{
public:
    explicit frame_decoder(decoder_options options = {}) noexcept;

    /// Consumes a prefix of input and reports one event. Call repeatedly with the unconsumed
    /// rest until need_more. After failed, every call returns failed with consumed 0.
    frame_event next(std::span<std::byte> input) noexcept;

    /// Whether a failure has been reported.
    bool failed() const noexcept { return state_ == state::failed; }

private:
    enum class state : std::uint8_t
    {
        header,
        data_payload,
        control_payload,
        failed,
    };
    enum class header_status : std::uint8_t
    {
        incomplete,
        complete,
        failed,
    };

    header_status read_header(std::span<std::byte> input, std::size_t& pos) noexcept;
    bool check_first_bytes() noexcept;
    bool finish_header() noexcept;
    frame_event deliver_data(std::span<std::byte> input, std::size_t& pos) noexcept;
    frame_event collect_control(std::span<std::byte> input, std::size_t& pos) noexcept;
    frame_event finish_control(std::size_t consumed) noexcept;
    frame_event end_message(std::span<std::byte> chunk, std::size_t consumed) noexcept;
    frame_event data_event(std::span<std::byte> chunk, std::size_t consumed,
                           bool complete) const noexcept;
    bool checks_utf8() const noexcept;
    bool fail(close_code code, std::string_view reason) noexcept;
    frame_event failed_event(std::size_t consumed) const noexcept;

    decoder_options options_;
    state state_ = state::header;

    // The header being read; header_size_ is 2 until the first two bytes tell the full size.
    std::array<std::byte, max_frame_header_size> header_{};
    std::size_t header_have_ = 0;
    std::size_t header_size_ = 2;

    // The frame whose payload is being read.
    opcode frame_opcode_ = opcode::binary;
    bool frame_fin_ = false;
    bool frame_masked_ = false;
    bool frame_rsv1_ = false;
    mask_key mask_{};
    std::uint64_t frame_remaining_ = 0;
    std::uint64_t frame_offset_ = 0;

    // The data message in progress: open from its first frame until its FIN frame is delivered.
    bool message_open_ = false;
    opcode message_type_ = opcode::binary;
    bool message_compressed_ = false;
    std::uint64_t message_size_ = 0;
    codec::utf8_validator utf8_;

    std::array<std::byte, max_control_payload> control_{};
    std::size_t control_size_ = 0;

    close_code failure_ = close_code::protocol_error;
    std::string_view failure_reason_;
};

} // namespace websockify::ws
