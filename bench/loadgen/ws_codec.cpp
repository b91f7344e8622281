#include "ws_codec.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace bench::ws
{
namespace
{

constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string encode_base64(const unsigned char* data, std::size_t size)
{
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    {
        s.remove_suffix(1);
    }
    return s;
}

/// True when the comma-separated header value lists `token` (case-insensitive).
bool lists_token(std::string_view value, std::string_view token)
{
    while (!value.empty())
    {
        const auto comma = value.find(',');
        if (iequals(trim(value.substr(0, comma)), token))
        {
            return true;
        }
        if (comma == std::string_view::npos)
        {
            break;
        }
        value.remove_prefix(comma + 1);
    }
    return false;
}

std::uint8_t byte_at(std::span<const std::byte> data, std::size_t i) noexcept
{
    return std::to_integer<std::uint8_t>(data[i]);
}

} // namespace

std::string make_key()
{
    std::array<unsigned char, 16> nonce{};
    if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1)
    {
        throw std::runtime_error("RAND_bytes failed");
    }
    return encode_base64(nonce.data(), nonce.size());
}

std::string make_accept_key(std::string_view key)
{
    std::string input(key);
    input += accept_guid;
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1)
    {
        throw std::runtime_error("SHA-1 failed");
    }
    return encode_base64(digest.data(), size);
}

std::string make_upgrade_request(std::string_view host, std::uint16_t port, std::string_view path,
                                 std::string_view key, std::string_view subprotocol)
{
    std::string request;
    request.reserve(256);
    request.append("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(host).append(":").append(std::to_string(port)).append("\r\n");
    request.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    request.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
    request.append("Sec-WebSocket-Version: 13\r\n");
    if (!subprotocol.empty())
    {
        request.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
    }
    request.append("\r\n");
    return request;
}

std::string check_upgrade_response(std::string_view head, std::string_view key,
                                   std::string_view subprotocol)
{
    const auto status_end = head.find("\r\n");
    const auto status = head.substr(0, status_end);
    if (!status.starts_with("HTTP/1.1 101"))
    {
        return "expected HTTP/1.1 101, got '" + std::string(status) + "'";
    }
    bool upgrade = false;
    bool connection = false;
    std::string accept;
    std::string protocol;
    auto rest = head.substr(status_end + 2);
    while (!rest.empty())
    {
        const auto line_end = rest.find("\r\n");
        const auto line = rest.substr(0, line_end);
        rest = line_end == std::string_view::npos ? std::string_view{} : rest.substr(line_end + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
        {
            continue;
        }
        const auto name = trim(line.substr(0, colon));
        const auto value = trim(line.substr(colon + 1));
        if (iequals(name, "Upgrade"))
        {
            upgrade = iequals(value, "websocket");
        }
        else if (iequals(name, "Connection"))
        {
            connection = lists_token(value, "upgrade");
        }
        else if (iequals(name, "Sec-WebSocket-Accept"))
        {
            accept = value;
        }
        else if (iequals(name, "Sec-WebSocket-Protocol"))
        {
            protocol = value;
        }
    }
    if (!upgrade)
    {
        return "response lacks 'Upgrade: websocket'";
    }
    if (!connection)
    {
        return "response lacks 'Connection: Upgrade'";
    }
    if (accept != make_accept_key(key))
    {
        return "wrong Sec-WebSocket-Accept '" + accept + "'";
    }
    if (!protocol.empty() && protocol != subprotocol)
    {
        return "server chose subprotocol '" + protocol + "', which was not offered";
    }
    return {};
}

mask_source::mask_source()
{
    std::array<unsigned char, 8> seed{};
    if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1)
    {
        throw std::runtime_error("RAND_bytes failed");
    }
    std::memcpy(&state_, seed.data(), sizeof state_);
    state_ |= 1U; // xorshift must not start at zero
}

std::uint32_t mask_source::next() noexcept
{
    // xorshift64*: the RFC asks for masks a peer cannot predict, not for cryptographic
    // strength per frame; the seed comes from RAND_bytes.
    state_ ^= state_ >> 12U;
    state_ ^= state_ << 25U;
    state_ ^= state_ >> 27U;
    return static_cast<std::uint32_t>((state_ * 0x2545F4914F6CDD1DULL) >> 32U);
}

void apply_mask(std::span<std::byte> data, std::uint32_t mask, std::size_t offset) noexcept
{
    std::array<std::byte, 4> key{};
    std::memcpy(key.data(), &mask, key.size());
    std::size_t i = 0;
    // Byte-wise until the key lines up with payload offset 0 mod 4, then 8 bytes at a time.
    for (; i < data.size() && (offset + i) % 4 != 0; ++i)
    {
        data[i] ^= key[(offset + i) % 4];
    }
    std::uint64_t wide = 0;
    std::memcpy(&wide, key.data(), 4);
    std::memcpy(reinterpret_cast<unsigned char*>(&wide) + 4, key.data(), 4);
    for (; i + 8 <= data.size(); i += 8)
    {
        std::uint64_t chunk = 0;
        std::memcpy(&chunk, data.data() + i, 8);
        chunk ^= wide;
        std::memcpy(data.data() + i, &chunk, 8);
    }
    for (; i < data.size(); ++i)
    {
        data[i] ^= key[(offset + i) % 4];
    }
}

void encode_client_frame(std::vector<std::byte>& out, std::uint8_t opcode,
                         std::span<const std::byte> payload, std::uint32_t mask)
{
    std::array<std::byte, max_client_header_size> header{};
    std::size_t size = 0;
    header[size++] = std::byte{static_cast<std::uint8_t>(0x80U | opcode)};
    const std::uint64_t length = payload.size();
    if (length < 126)
    {
        header[size++] = std::byte{static_cast<std::uint8_t>(0x80U | length)};
    }
    else if (length <= 0xFFFF)
    {
        header[size++] = std::byte{0x80U | 126U};
        header[size++] = std::byte{static_cast<std::uint8_t>(length >> 8U)};
        header[size++] = std::byte{static_cast<std::uint8_t>(length)};
    }
    else
    {
        header[size++] = std::byte{0x80U | 127U};
        for (int shift = 56; shift >= 0; shift -= 8)
        {
            header[size++] = std::byte{static_cast<std::uint8_t>(length >> shift)};
        }
    }
    std::memcpy(header.data() + size, &mask, 4);
    size += 4;
    out.resize(size + payload.size());
    std::memcpy(out.data(), header.data(), size);
    if (!payload.empty())
    {
        std::memcpy(out.data() + size, payload.data(), payload.size());
    }
    apply_mask(std::span(out).subspan(size), mask);
}

header_parse parse_server_frame_header(std::span<const std::byte> data)
{
    header_parse result;
    if (data.size() < 2)
    {
        return result;
    }
    const auto b0 = byte_at(data, 0);
    const auto b1 = byte_at(data, 1);
    frame_header header;
    header.fin = (b0 & 0x80U) != 0;
    header.opcode = static_cast<std::uint8_t>(b0 & 0x0FU);
    if ((b0 & 0x70U) != 0)
    {
        result.error = "server frame has RSV bits set without a negotiated extension";
        return result;
    }
    if ((b1 & 0x80U) != 0)
    {
        result.error = "server frame is masked (RFC 6455 5.1 forbids it)";
        return result;
    }
    const bool control = (header.opcode & 0x8U) != 0;
    if (header.opcode > op_binary && !control)
    {
        result.error = "reserved opcode " + std::to_string(header.opcode);
        return result;
    }
    if (header.opcode > op_pong)
    {
        result.error = "reserved control opcode " + std::to_string(header.opcode);
        return result;
    }
    const std::uint8_t length7 = b1 & 0x7FU;
    std::size_t size = 2;
    if (length7 == 126)
    {
        size = 4;
    }
    else if (length7 == 127)
    {
        size = 10;
    }
    if (data.size() < size)
    {
        return result;
    }
    header.length = length7;
    if (length7 >= 126)
    {
        header.length = 0;
        for (std::size_t i = 2; i < size; ++i)
        {
            header.length = (header.length << 8U) | byte_at(data, i);
        }
    }
    if (control && (header.length > 125 || !header.fin))
    {
        result.error = "control frame longer than 125 bytes or fragmented";
        return result;
    }
    header.size = size;
    result.header = header;
    return result;
}

} // namespace bench::ws
