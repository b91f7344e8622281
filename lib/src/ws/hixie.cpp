#include "websockify/ws/hixie.hpp"

#include "websockify/error/error.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <stdexcept>

namespace websockify::ws
{
namespace
{

class hixie_category_impl final : public std::error_category
{
public:
    const char* name() const noexcept override { return "websockify-hixie"; }

    std::string message(int value) const override
    {
        switch (static_cast<hixie_error>(value))
        {
        case hixie_error::not_hixie:
            return "request has Sec-WebSocket-Version, so it is not a Hixie-75/76 handshake";
        case hixie_error::missing_host:
            return "missing Host header (needed for WebSocket-Location)";
        case hixie_error::missing_key:
            return "Sec-WebSocket-Key1 and Sec-WebSocket-Key2 must be sent together";
        case hixie_error::duplicate_key:
            return "Sec-WebSocket-Key1 or Sec-WebSocket-Key2 sent more than once";
        case hixie_error::key_without_digits:
            return "Sec-WebSocket-Key1/2 must contain digits";
        case hixie_error::key_without_spaces:
            return "Sec-WebSocket-Key1/2 must contain spaces";
        case hixie_error::key_not_multiple:
            return "Sec-WebSocket-Key1/2 number is not a multiple of its space count";
        case hixie_error::key_too_large:
            return "Sec-WebSocket-Key1/2 number exceeds 4294967295";
        case hixie_error::bad_frame_type:
            return "unsupported Hixie frame type (only 0x00 text frames and 0xFF 0x00 close)";
        case hixie_error::frame_too_large:
            return "Hixie frame exceeds the maximum frame size";
        }
        return "unknown Hixie error";
    }

    std::error_condition default_error_condition(int value) const noexcept override
    {
        const auto e = static_cast<hixie_error>(value);
        if (e >= hixie_error::not_hixie && e <= hixie_error::key_too_large)
        {
            return make_error_condition(condition::handshake_failed);
        }
        return make_error_condition(condition::protocol_violation);
    }
};

/// Does any header line of this name list the token? Upgrade and Connection are lists that a
/// client may also spread over several lines (RFC 9110 §5.3).
bool any_has_token(const http::request_head& head, std::string_view name,
                   std::string_view token) noexcept
{
    return std::any_of(head.headers.begin(), head.headers.end(),
                       [&](const http::header_field& h)
                       { return http::iequals(h.name, name) && http::has_token(h.value, token); });
}

/// Header values come from the parsed head, which has no CR or LF, but the response is built by
/// hand: control characters still become spaces so no value can start a new header line.
void append_sanitised(std::string& out, std::string_view value)
{
    for (const char c : value)
    {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7F) ? ' ' : c;
    }
}

void append_header(std::string& out, std::string_view name, std::string_view value)
{
    out += name;
    out += ": ";
    append_sanitised(out, value);
    out += "\r\n";
}

void store_big_endian(std::span<std::byte, 4> out, std::uint32_t value) noexcept
{
    out[0] = static_cast<std::byte>(value >> 24U);
    out[1] = static_cast<std::byte>(value >> 16U);
    out[2] = static_cast<std::byte>(value >> 8U);
    out[3] = static_cast<std::byte>(value);
}

constexpr std::byte frame_type_text{0x00};
constexpr std::byte frame_end{0xFF};
constexpr std::byte length_prefixed_bit{0x80};

hixie_event make_event(hixie_event_kind kind, std::size_t consumed,
                       std::span<const std::byte> payload = {}, bool frame_complete = false,
                       std::error_code failure = {}) noexcept
{
    return {.kind = kind,
            .consumed = consumed,
            .payload = payload,
            .frame_complete = frame_complete,
            .failure = failure};
}

} // namespace

const std::error_category& hixie_error_category() noexcept
{
    static const hixie_category_impl instance;
    return instance;
}

std::error_code make_error_code(hixie_error e) noexcept
{
    return {static_cast<int>(e), hixie_error_category()};
}

bool is_hixie_request(const http::request_head& head) noexcept
{
    return head.method == "GET" && any_has_token(head, "Upgrade", "websocket") &&
           any_has_token(head, "Connection", "Upgrade") && head.count("Sec-WebSocket-Version") == 0;
}

result<std::uint32_t> parse_hixie_key(std::string_view key)
{
    constexpr std::uint64_t max_number = std::numeric_limits<std::uint32_t>::max();
    std::uint64_t number = 0;
    std::uint64_t spaces = 0;
    bool has_digit = false;
    for (const char c : key)
    {
        if (c >= '0' && c <= '9')
        {
            has_digit = true;
            number = number * 10 + static_cast<std::uint64_t>(c - '0');
            // A client draws the number from 0..4294967295 (draft-76 §4.1); checking at every
            // digit keeps the accumulator far from 64-bit overflow whatever the key's length.
            if (number > max_number)
            {
                return hixie_error::key_too_large;
            }
        }
        else if (c == ' ')
        {
            ++spaces;
        }
    }
    if (!has_digit)
    {
        return hixie_error::key_without_digits;
    }
    // draft-76 §5.2: zero spaces is a symptom of a cross-protocol attack; abort.
    if (spaces == 0)
    {
        return hixie_error::key_without_spaces;
    }
    if (number % spaces != 0)
    {
        return hixie_error::key_not_multiple;
    }
    return static_cast<std::uint32_t>(number / spaces);
}

result<hixie_request> validate_hixie(const http::request_head& head)
{
    if (head.method != "GET")
    {
        return error::bad_method;
    }
    // Both drafts' clients send exactly "GET <path> HTTP/1.1".
    if (head.version != "HTTP/1.1")
    {
        return error::unsupported_http_version;
    }
    if (!any_has_token(head, "Upgrade", "websocket"))
    {
        return error::not_an_upgrade;
    }
    if (!any_has_token(head, "Connection", "Upgrade"))
    {
        return error::missing_connection_upgrade;
    }
    if (head.count("Sec-WebSocket-Version") != 0)
    {
        return hixie_error::not_hixie;
    }
    const auto host = head.find("Host");
    if (!host || host->empty())
    {
        return hixie_error::missing_host;
    }

    hixie_request request;
    const auto key1 = head.find("Sec-WebSocket-Key1");
    const auto key2 = head.find("Sec-WebSocket-Key2");
    if (head.count("Sec-WebSocket-Key1") > 1 || head.count("Sec-WebSocket-Key2") > 1)
    {
        return hixie_error::duplicate_key;
    }
    if (key1.has_value() != key2.has_value())
    {
        return hixie_error::missing_key;
    }
    request.draft = key1 ? 76 : 75;
    if (key1 && key2)
    {
        const auto part1 = parse_hixie_key(*key1);
        if (!part1)
        {
            return part1.error();
        }
        const auto part2 = parse_hixie_key(*key2);
        if (!part2)
        {
            return part2.error();
        }
        request.key1 = *part1;
        request.key2 = *part2;
    }

    request.target = head.target;
    request.host = *host;
    // Browsers always send Origin; for other clients "null" is the serialisation of an origin
    // that is not known (RFC 6454 §6.2), which the Origin echo can carry.
    request.origin = head.find("Origin").value_or("null");
    // Draft 76 renamed the header with the Sec- prefix; accept either spelling with either draft.
    const auto protocol =
        request.draft == 76 ? head.find("Sec-WebSocket-Protocol") : head.find("WebSocket-Protocol");
    const auto other =
        request.draft == 76 ? head.find("WebSocket-Protocol") : head.find("Sec-WebSocket-Protocol");
    request.protocol = protocol.value_or(other.value_or(""));
    return request;
}

hixie76_answer hixie76_challenge(std::uint32_t key1, std::uint32_t key2, hixie76_key3 key3)
{
    // draft-76 §5.2: the 16-byte challenge is key1 and key2 as 32-bit big-endian, then key3.
    std::array<std::byte, 16> challenge{};
    const std::span<std::byte, 16> whole(challenge);
    store_big_endian(whole.subspan<0, 4>(), key1);
    store_big_endian(whole.subspan<4, 4>(), key2);
    std::copy(key3.begin(), key3.end(), whole.subspan<8, 8>().begin());

    hixie76_answer digest{};
    unsigned int length = 0;
    // EVP_Digest fails only when OpenSSL cannot allocate or has no MD5 provider loaded: a broken
    // environment rather than bad input, so it is reported as an exception.
    if (EVP_Digest(challenge.data(), challenge.size(),
                   reinterpret_cast<unsigned char*>(digest.data()), &length, EVP_md5(),
                   nullptr) != 1 ||
        length != digest.size())
    {
        throw std::runtime_error("OpenSSL MD5 digest failed");
    }
    static_assert(MD5_DIGEST_LENGTH == hixie76_answer_size);
    return digest;
}

result<hixie76_answer> hixie76_challenge(std::string_view key1, std::string_view key2,
                                         hixie76_key3 key3)
{
    const auto part1 = parse_hixie_key(key1);
    if (!part1)
    {
        return part1.error();
    }
    const auto part2 = parse_hixie_key(key2);
    if (!part2)
    {
        return part2.error();
    }
    return hixie76_challenge(*part1, *part2, key3);
}

std::string format_hixie_response(const hixie_request& request, bool tls,
                                  std::optional<hixie76_answer> challenge)
{
    const bool draft76 = request.draft == 76;
    assert((!draft76 || challenge) && "a draft-76 response needs the challenge answer");
    // A draft-75 client compares the first 85 bytes (status line, Upgrade, Connection) exactly,
    // so their order and spelling are fixed.
    const std::string_view prefix = draft76 ? "Sec-" : "";
    std::string out = draft76 ? "HTTP/1.1 101 WebSocket Protocol Handshake\r\n"
                              : "HTTP/1.1 101 Web Socket Protocol Handshake\r\n";
    out += "Upgrade: WebSocket\r\nConnection: Upgrade\r\n";
    append_header(out, std::string(prefix) + "WebSocket-Origin", request.origin);
    std::string location = tls ? "wss://" : "ws://";
    location += request.host;
    location += request.target;
    append_header(out, std::string(prefix) + "WebSocket-Location", location);
    if (!request.protocol.empty())
    {
        append_header(out, std::string(prefix) + "WebSocket-Protocol", request.protocol);
    }
    out += "\r\n";
    if (draft76 && challenge)
    {
        const auto* answer = reinterpret_cast<const char*>(challenge->data());
        out.append(answer, challenge->size());
    }
    return out;
}

std::size_t encode_hixie_frame(std::span<std::byte> out,
                               std::span<const std::byte> payload) noexcept
{
    const std::size_t size = hixie_frame_size(payload.size());
    if (out.size() < size || std::find(payload.begin(), payload.end(), frame_end) != payload.end())
    {
        return 0;
    }
    out[0] = frame_type_text;
    std::copy(payload.begin(), payload.end(), out.begin() + 1);
    out[size - 1] = frame_end;
    return size;
}

hixie_event hixie_decoder::fail(hixie_error e, std::size_t consumed) noexcept
{
    state_ = state::failed;
    failure_ = make_error_code(e);
    return make_event(hixie_event_kind::failed, consumed, {}, false, failure_);
}

hixie_event hixie_decoder::next(std::span<const std::byte> input) noexcept
{
    std::size_t pos = 0;
    while (pos < input.size() || state_ == state::closed || state_ == state::failed)
    {
        switch (state_)
        {
        case state::closed:
            return make_event(hixie_event_kind::close, 0);
        case state::failed:
            return make_event(hixie_event_kind::failed, 0, {}, false, failure_);
        case state::frame_start:
        {
            const std::byte type = input[pos++];
            frame_size_ = 0;
            if (type == frame_type_text)
            {
                state_ = state::text_payload;
            }
            else if (type == frame_end)
            {
                state_ = state::after_ff;
            }
            else if ((type & length_prefixed_bit) != std::byte{0})
            {
                // Browsers never send length-prefixed frames; refusing them spares a length
                // parser whose only use would be to skip the bytes.
                return fail(hixie_error::bad_frame_type, pos);
            }
            else
            {
                // draft-76 §5.3: sentinel frames of a type other than 0x00 are read and discarded.
                state_ = state::skipped_text;
            }
            break;
        }
        case state::after_ff:
            // 0xFF 0x00 is the closing handshake; a 0xFF frame with a length is refused like
            // any other length-prefixed frame.
            if (input[pos++] != std::byte{0x00})
            {
                return fail(hixie_error::bad_frame_type, pos);
            }
            state_ = state::closed;
            return make_event(hixie_event_kind::close, pos);
        case state::text_payload:
        case state::skipped_text:
        {
            const auto rest = input.subspan(pos);
            const auto end = std::find(rest.begin(), rest.end(), frame_end);
            const auto slice = rest.first(static_cast<std::size_t>(end - rest.begin()));
            const bool complete = end != rest.end();
            // frame_size_ never exceeds the limit, so the subtraction cannot wrap.
            if (options_.max_frame_size != 0 &&
                slice.size() > options_.max_frame_size - frame_size_)
            {
                return fail(hixie_error::frame_too_large, pos);
            }
            frame_size_ += slice.size();
            pos += slice.size() + (complete ? 1 : 0);
            const bool deliver = state_ == state::text_payload;
            if (complete)
            {
                state_ = state::frame_start;
            }
            // An empty slice that does not end the frame carries nothing worth an event.
            if (deliver && (complete || !slice.empty()))
            {
                return make_event(hixie_event_kind::data, pos, slice, complete);
            }
            break;
        }
        }
    }
    return make_event(hixie_event_kind::need_more, pos);
}

} // namespace websockify::ws
