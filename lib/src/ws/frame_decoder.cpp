#include "websockify/ws/frame_decoder.hpp"

#include <algorithm>

namespace websockify::ws
{
namespace
{

// Frame header (RFC 6455 §5.2), 2 to 14 bytes, multi-byte fields big-endian:
//
//   byte 0           byte 1           bytes 2..         then
//   +-+-+-+-+------+ +-+-----------+ +---------------+ +-----------+
//   |F|R|R|R|opcode| |M| len7      | | extended len  | | mask key  |
//   |I|S|S|S|  (4) | |A|  (7)      | | 0, 2 or 8     | | 0 or 4    |
//   |N|1|2|3|      | |S|           | | bytes         | | bytes     |
//   +-+-+-+-+------+ +-+-----------+ +---------------+ +-----------+
//
//   len7 0..125: the payload length; 126: a 16-bit length follows; 127: a 64-bit length
//   follows, whose most significant bit must be 0.
constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv1_bit = 0x40;
constexpr std::uint8_t rsv2_rsv3_bits = 0x30;
constexpr std::uint8_t opcode_bits = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::uint8_t length_bits = 0x7F;
constexpr std::uint8_t length_16 = 126;
constexpr std::uint8_t length_64 = 127;
constexpr std::size_t mask_key_size = std::tuple_size_v<mask_key>;

std::uint8_t byte_value(std::byte b) noexcept
{
    return std::to_integer<std::uint8_t>(b);
}

std::uint64_t read_big_endian(std::span<const std::byte> bytes) noexcept
{
    std::uint64_t value = 0;
    for (const std::byte b : bytes)
    {
        value = value << 8U | std::to_integer<std::uint64_t>(b);
    }
    return value;
}

bool is_known_opcode(std::uint8_t op) noexcept
{
    switch (static_cast<opcode>(op))
    {
    case opcode::continuation:
    case opcode::text:
    case opcode::binary:
    case opcode::close:
    case opcode::ping:
    case opcode::pong:
        return true;
    }
    return false;
}

frame_event need_more(std::size_t consumed) noexcept
{
    return frame_event{.kind = frame_event_kind::need_more, .consumed = consumed};
}

} // namespace

frame_decoder::frame_decoder(decoder_options options) noexcept : options_(options) {}

frame_event frame_decoder::next(std::span<std::byte> input) noexcept
{
    std::size_t pos = 0;
    for (;;)
    {
        switch (state_)
        {
        case state::failed:
            return failed_event(0);
        case state::data_payload:
            return deliver_data(input, pos);
        case state::control_payload:
            return collect_control(input, pos);
        case state::header:
            break;
        }

        switch (read_header(input, pos))
        {
        case header_status::incomplete:
            return need_more(pos);
        case header_status::failed:
            return failed_event(pos);
        case header_status::complete:
            break;
        }

        if (is_control(frame_opcode_))
        {
            state_ = state::control_payload;
            continue;
        }
        if (frame_remaining_ != 0)
        {
            state_ = state::data_payload;
            continue;
        }
        // An empty final frame still ends its message, which the caller must hear about once;
        // an empty non-final fragment carries nothing worth an event.
        if (frame_fin_)
        {
            return end_message(input.subspan(pos, 0), pos);
        }
    }
}

frame_decoder::header_status frame_decoder::read_header(std::span<std::byte> input,
                                                        std::size_t& pos) noexcept
{
    const auto take = [&](std::size_t wanted)
    {
        const std::size_t n = std::min(wanted - header_have_, input.size() - pos);
        std::ranges::copy(input.subspan(pos, n), std::span(header_).subspan(header_have_).begin());
        header_have_ += n;
        pos += n;
        return header_have_ == wanted;
    };

    // The first two bytes are checked as soon as they arrive, so a bad frame fails without
    // waiting for its extended length or mask key.
    if (header_have_ < 2)
    {
        if (!take(2))
        {
            return header_status::incomplete;
        }
        if (!check_first_bytes())
        {
            return header_status::failed;
        }
    }
    if (!take(header_size_))
    {
        return header_status::incomplete;
    }
    header_have_ = 0;
    return finish_header() ? header_status::complete : header_status::failed;
}

bool frame_decoder::check_first_bytes() noexcept
{
    const std::uint8_t b0 = byte_value(header_[0]);
    const std::uint8_t b1 = byte_value(header_[1]);
    const auto op = static_cast<std::uint8_t>(b0 & opcode_bits);
    const auto len7 = static_cast<std::uint8_t>(b1 & length_bits);
    frame_fin_ = (b0 & fin_bit) != 0;
    frame_masked_ = (b1 & mask_bit) != 0;

    frame_rsv1_ = (b0 & rsv1_bit) != 0;

    // RFC 6455 §5.2: a reserved bit that no negotiated extension defines fails the connection;
    // permessage-deflate defines RSV1 (RFC 7692 §6).
    if ((b0 & rsv2_rsv3_bits) != 0 || (frame_rsv1_ && !options_.allow_compressed))
    {
        return fail(close_code::protocol_error, "reserved bits set");
    }
    if (!is_known_opcode(op))
    {
        return fail(close_code::protocol_error, "reserved opcode");
    }
    frame_opcode_ = static_cast<opcode>(op);
    // RFC 7692 §6.1: RSV1 belongs on the first frame of a data message only.
    if (frame_rsv1_ && (is_control(frame_opcode_) || frame_opcode_ == opcode::continuation))
    {
        return fail(close_code::protocol_error, "RSV1 set outside a message's first frame");
    }
    if (is_control(frame_opcode_))
    {
        // RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes.
        if (!frame_fin_)
        {
            return fail(close_code::protocol_error, "fragmented control frame");
        }
        if (len7 > max_control_payload)
        {
            return fail(close_code::protocol_error, "control frame too long");
        }
    }
    else if (frame_opcode_ == opcode::continuation)
    {
        if (!message_open_)
        {
            return fail(close_code::protocol_error, "continuation without a message");
        }
    }
    else if (message_open_)
    {
        // RFC 6455 §5.4: fragments of different messages must not interleave.
        return fail(close_code::protocol_error, "new message inside a fragmented message");
    }
    // RFC 6455 §5.1: a server must close on an unmasked client frame.
    if (!frame_masked_ && options_.require_mask)
    {
        return fail(close_code::protocol_error, "unmasked client frame");
    }

    std::size_t size = 2;
    if (len7 == length_16)
    {
        size += 2;
    }
    else if (len7 == length_64)
    {
        size += 8;
    }
    header_size_ = size + (frame_masked_ ? mask_key_size : 0);
    return true;
}

bool frame_decoder::finish_header() noexcept
{
    const std::span<const std::byte> header(header_.data(), header_size_);
    const auto len7 = static_cast<std::uint8_t>(byte_value(header[1]) & length_bits);
    std::size_t pos = 2;
    std::uint64_t length = len7;
    if (len7 == length_16)
    {
        length = read_big_endian(header.subspan(pos, 2));
        pos += 2;
    }
    else if (len7 == length_64)
    {
        length = read_big_endian(header.subspan(pos, 8));
        pos += 8;
        if (length >> 63U != 0)
        {
            return fail(close_code::protocol_error, "64-bit length with the top bit set");
        }
    }
    if (frame_masked_)
    {
        std::ranges::copy(header.subspan(pos, mask_.size()), mask_.begin());
    }
    header_size_ = 2;
    frame_remaining_ = length;
    frame_offset_ = 0;

    if (is_control(frame_opcode_))
    {
        control_size_ = 0;
        return true;
    }
    if (frame_opcode_ != opcode::continuation)
    {
        message_open_ = true;
        message_type_ = frame_opcode_;
        message_compressed_ = frame_rsv1_;
        message_size_ = 0;
        utf8_.reset();
    }
    // Checked against the declared length, before any of the payload is delivered.
    if (options_.max_message_size != 0 && length > options_.max_message_size - message_size_)
    {
        return fail(close_code::message_too_big, "message too big");
    }
    message_size_ += length;
    return true;
}

frame_event frame_decoder::deliver_data(std::span<std::byte> input, std::size_t& pos) noexcept
{
    const std::size_t available = input.size() - pos;
    if (available == 0)
    {
        return need_more(pos);
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(frame_remaining_, available));
    const auto chunk = input.subspan(pos, n);
    if (frame_masked_)
    {
        apply_mask(chunk, mask_, frame_offset_);
    }
    frame_offset_ += n;
    frame_remaining_ -= n;
    pos += n;

    // RFC 6455 §8.1: fail as soon as the text can no longer be valid, not at the message end.
    if (checks_utf8() && !utf8_.feed(chunk))
    {
        fail(close_code::invalid_payload, "invalid UTF-8 in a text message");
        return failed_event(pos);
    }
    if (frame_remaining_ != 0)
    {
        return data_event(chunk, pos, false);
    }
    state_ = state::header;
    if (frame_fin_)
    {
        return end_message(chunk, pos);
    }
    return data_event(chunk, pos, false);
}

frame_event frame_decoder::end_message(std::span<std::byte> chunk, std::size_t consumed) noexcept
{
    message_open_ = false;
    // A code point cut off by the end of the message is as invalid as a bad byte.
    if (checks_utf8() && !utf8_.complete())
    {
        fail(close_code::invalid_payload, "invalid UTF-8 in a text message");
        return failed_event(consumed);
    }
    return data_event(chunk, consumed, true);
}

frame_event frame_decoder::data_event(std::span<std::byte> chunk, std::size_t consumed,
                                      bool complete) const noexcept
{
    return frame_event{.kind = frame_event_kind::data,
                       .consumed = consumed,
                       .message_type = message_type_,
                       .payload = chunk,
                       .message_complete = complete,
                       .compressed = message_compressed_};
}

bool frame_decoder::checks_utf8() const noexcept
{
    // A compressed message's text exists only after inflating, where the caller checks it.
    return message_type_ == opcode::text && options_.validate_text_utf8 && !message_compressed_;
}

frame_event frame_decoder::collect_control(std::span<std::byte> input, std::size_t& pos) noexcept
{
    // frame_remaining_ <= 125 here, checked in the header.
    const auto n = std::min(static_cast<std::size_t>(frame_remaining_), input.size() - pos);
    std::ranges::copy(input.subspan(pos, n), std::span(control_).subspan(control_size_).begin());
    control_size_ += n;
    frame_remaining_ -= n;
    pos += n;
    if (frame_remaining_ != 0)
    {
        return need_more(pos);
    }
    return finish_control(pos);
}

frame_event frame_decoder::finish_control(std::size_t consumed) noexcept
{
    state_ = state::header;
    const auto payload = std::span(control_).first(control_size_);
    if (frame_masked_)
    {
        apply_mask(payload, mask_, 0);
    }
    if (frame_opcode_ == opcode::close && !payload.empty())
    {
        // RFC 6455 §5.5.1: a close body is a 2-byte code then a UTF-8 reason, or nothing.
        if (payload.size() == 1)
        {
            fail(close_code::protocol_error, "close payload of 1 byte");
            return failed_event(consumed);
        }
        const auto info_code = static_cast<std::uint16_t>(read_big_endian(payload.first(2)));
        if (!is_valid_wire_close_code(info_code))
        {
            fail(close_code::protocol_error, "invalid close code");
            return failed_event(consumed);
        }
        if (!codec::is_valid_utf8(payload.subspan(2)))
        {
            fail(close_code::invalid_payload, "close reason not valid UTF-8");
            return failed_event(consumed);
        }
    }
    return frame_event{.kind = frame_event_kind::control,
                       .consumed = consumed,
                       .payload = payload,
                       .control_type = frame_opcode_};
}

bool frame_decoder::fail(close_code code, std::string_view reason) noexcept
{
    state_ = state::failed;
    failure_ = code;
    failure_reason_ = reason;
    return false;
}

frame_event frame_decoder::failed_event(std::size_t consumed) const noexcept
{
    return frame_event{.kind = frame_event_kind::failed,
                       .consumed = consumed,
                       .failure = failure_,
                       .failure_reason = failure_reason_};
}

} // namespace websockify::ws
