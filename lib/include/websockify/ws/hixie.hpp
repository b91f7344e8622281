#pragma once

#include "websockify/error/result.hpp"
#include "websockify/http/request_head.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

// The legacy WebSocket drafts that browsers spoke in 2010-2011 and that the 2011 websockify and
// its Websock JS library supported: draft-hixie-thewebsocketprotocol-75 and -76 (the latter is
// also hybi-00). No masking, no binary frames: every frame is 0x00 <UTF-8 text> 0xFF, and the
// text is base64 of the relayed bytes.

namespace websockify::ws
{

/// Failures specific to the Hixie drafts. The generic checks (method, HTTP version, Upgrade,
/// Connection) report websockify::error. Handshake errors map to condition::handshake_failed,
/// frame errors to condition::protocol_violation.
enum class hixie_error
{
    // Opening handshake (draft-76 §5.1)
    not_hixie = 1,      ///< the request has Sec-WebSocket-Version: it is RFC 6455 / HyBi
    missing_host,       ///< no Host header, so no WebSocket-Location can be formed
    missing_key,        ///< only one of Sec-WebSocket-Key1 and Sec-WebSocket-Key2
    duplicate_key,      ///< Sec-WebSocket-Key1 or Key2 sent twice
    key_without_digits, ///< a key has no digit, so no number
    key_without_spaces, ///< a key has no space (draft-76: a sign of a cross-protocol attack)
    key_not_multiple,   ///< a key's number is not a multiple of its space count
    key_too_large,      ///< a key's number exceeds 4294967295

    // Data framing (draft-76 §5.3)
    bad_frame_type,  ///< a length-prefixed frame (type byte >= 0x80) other than the 0xFF 0x00 close
    frame_too_large, ///< a frame's payload exceeds hixie_decoder_options::max_frame_size
};

/// The category of hixie_error ("websockify-hixie").
const std::error_category& hixie_error_category() noexcept;
/// Makes hixie_error usable as a std::error_code (found by ADL).
std::error_code make_error_code(hixie_error e) noexcept;

/// Size of the draft-76 key3: the 8 bytes the client sends right after the request head.
inline constexpr std::size_t hixie76_key3_size = 8;
/// Size of the draft-76 challenge answer, sent right after the response head.
inline constexpr std::size_t hixie76_answer_size = 16;

using hixie76_key3 = std::span<const std::byte, hixie76_key3_size>;
using hixie76_answer = std::array<std::byte, hixie76_answer_size>;

/// A validated Hixie-75/76 opening handshake, owning copies of what the response needs.
struct hixie_request
{
    int draft = 76;         ///< 76 (Sec-WebSocket-Key1/2 present) or 75 (neither)
    std::string target;     ///< request-target, may carry ?token=
    std::string host;       ///< Host as sent (with any port), for the Location
    std::string origin;     ///< Origin as sent; "null" when absent
    std::string protocol;   ///< (Sec-)WebSocket-Protocol as sent, "" when absent
    std::uint32_t key1 = 0; ///< draft 76: Key1's number divided by its space count
    std::uint32_t key2 = 0; ///< draft 76: Key2's number divided by its space count
};

/// Is this a Hixie-75/76 upgrade: a GET with Upgrade: WebSocket and Connection: Upgrade (tokens
/// case-insensitive) and no Sec-WebSocket-Version, which draft 75/76 clients never send?
bool is_hixie_request(const http::request_head& head) noexcept;

/// draft-76 §5.2 key parsing: the key's digits as a decimal number, divided by the key's count of
/// spaces. Errors: hixie_error::key_without_digits, key_too_large (number above 2^32-1),
/// key_without_spaces, key_not_multiple.
result<std::uint32_t> parse_hixie_key(std::string_view key);

/// Validates a Hixie-75 or -76 opening handshake (draft-76 §5.1). Errors, in check order:
/// error::bad_method, error::unsupported_http_version, error::not_an_upgrade,
/// error::missing_connection_upgrade, hixie_error::not_hixie, missing_host, then for the keys
/// duplicate_key, missing_key and the parse_hixie_key errors. Key3 is not part of the head.
result<hixie_request> validate_hixie(const http::request_head& head);

/// draft-76 §5.2 challenge answer: MD5(key1 || key2 || key3), each key part as 32-bit big-endian.
hixie76_answer hixie76_challenge(std::uint32_t key1, std::uint32_t key2, hixie76_key3 key3);

/// The same from the raw Sec-WebSocket-Key1/Key2 values; fails as parse_hixie_key does.
result<hixie76_answer> hixie76_challenge(std::string_view key1, std::string_view key2,
                                         hixie76_key3 key3);

/// The 101 response. Draft 76: "HTTP/1.1 101 WebSocket Protocol Handshake", Upgrade, Connection,
/// Sec-WebSocket-Origin, -Location (ws[s]://host+target) and -Protocol (if request.protocol is
/// set), the empty line, then the 16-byte challenge answer. Draft 75: "Web Socket" and
/// unprefixed WebSocket-* names, no body. Draft 76 needs challenge (asserted); 75 ignores it.
std::string format_hixie_response(const hixie_request& request, bool tls,
                                  std::optional<hixie76_answer> challenge);

// Data framing (draft-76 §4.2, §5.3), as the client sends it:
//
//   text frame:  0x00 <payload bytes, none of them 0xFF> 0xFF
//   other text:  0x01..0x7F <bytes> 0xFF      discarded, as the drafts require
//   close:       0xFF 0x00                    the draft-76 closing handshake
//   other:       0x80..0xFE (or 0xFF not followed by 0x00): length-prefixed frames that no
//                browser sends; treated as an error rather than parsed and skipped

/// The byte before a text frame's payload; a one-byte array so it can join a gather write.
inline constexpr std::array<std::byte, 1> hixie_frame_head{std::byte{0x00}};
/// The byte after a text frame's payload.
inline constexpr std::array<std::byte, 1> hixie_frame_tail{std::byte{0xFF}};
/// The draft-76 closing handshake (§1.4, §5.3): a 0xFF frame of length 0. Draft 75 has none.
inline constexpr std::array<std::byte, 2> hixie_close_frame{std::byte{0xFF}, std::byte{0x00}};

/// Bytes of the text frame that carries payload_size payload bytes.
constexpr std::size_t hixie_frame_size(std::size_t payload_size) noexcept
{
    return payload_size + 2;
}

/// Writes 0x00 <payload> 0xFF into out and returns its size, hixie_frame_size(payload.size()).
/// Returns 0 and writes nothing when out is too small or payload holds a 0xFF byte, which would
/// end the frame early (base64 text never does).
std::size_t encode_hixie_frame(std::span<std::byte> out,
                               std::span<const std::byte> payload) noexcept;

/// What the decoder enforces beyond the drafts.
struct hixie_decoder_options
{
    /// 0 = unlimited; a frame whose payload grows beyond this fails with frame_too_large (its
    /// earlier slices may already have been delivered, since payload streams as it arrives).
    std::size_t max_frame_size = 0;
};

enum class hixie_event_kind
{
    need_more, ///< all of the input was taken; call again with more bytes
    data,      ///< a slice of a text frame's payload, and/or the end of that frame
    close,     ///< the client sent 0xFF 0x00: answer with hixie_close_frame, then close
    failed,    ///< the connection must be closed; `failure` says why
};

/// One result of hixie_decoder::next().
struct hixie_event
{
    hixie_event_kind kind = hixie_event_kind::need_more;
    /// Bytes of the input used by this call (for every kind).
    std::size_t consumed = 0;
    /// data: payload bytes inside the caller's input span; may be empty when only the frame end
    /// arrived.
    std::span<const std::byte> payload{};
    /// data: the frame's closing 0xFF was consumed, so this slice ends the frame.
    bool frame_complete = false;
    /// failed: a hixie_error.
    std::error_code failure{};
};

/// Incremental decoder of client frames (draft-76 §5.3; draft 75 frames text the same way): accepts
/// the byte stream in any chunking and never allocates or copies. Payload is delivered as soon as
/// it arrives, as views into the input; the only state carried between calls is where in a frame it
/// stands.
class hixie_decoder
{
public:
    explicit hixie_decoder(hixie_decoder_options options = {}) noexcept : options_(options) {}

    /// Consumes a prefix of input and reports one event. Call repeatedly with the unconsumed
    /// rest until need_more. After close or failed, every call repeats it with consumed 0.
    hixie_event next(std::span<const std::byte> input) noexcept;

    /// Whether the client's closing handshake has been reported.
    bool closed() const noexcept { return state_ == state::closed; }
    /// Whether a failure has been reported.
    bool failed() const noexcept { return state_ == state::failed; }

private:
    enum class state : std::uint8_t
    {
        frame_start,  // expecting a frame type byte
        text_payload, // inside a 0x00 frame, delivering bytes up to 0xFF
        skipped_text, // inside a 0x01..0x7F frame, discarding bytes up to 0xFF
        after_ff,     // read a 0xFF type byte; only 0x00 (close) may follow
        closed,
        failed,
    };

    hixie_event fail(hixie_error e, std::size_t consumed) noexcept;

    hixie_decoder_options options_;
    state state_ = state::frame_start;
    std::size_t frame_size_ = 0; // payload bytes of the current frame so far
    std::error_code failure_;
};

} // namespace websockify::ws

template <> struct std::is_error_code_enum<websockify::ws::hixie_error> : std::true_type
{
};
