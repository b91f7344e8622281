#include "peer.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace bench
{
namespace
{

constexpr std::size_t max_response_head = 16384;
constexpr std::uint16_t close_normal = 1000;

std::array<std::byte, 2> close_payload(std::uint16_t code)
{
    std::array<std::byte, 2> payload{};
    payload[0] = std::byte{static_cast<std::uint8_t>(code >> 8U)};
    payload[1] = std::byte{static_cast<std::uint8_t>(code & 0xFFU)};
    return payload;
}

bool is_data(std::uint8_t opcode) noexcept
{
    return opcode == ws::op_continuation || opcode == ws::op_text || opcode == ws::op_binary;
}

} // namespace

peer::peer(const asio::any_io_executor& executor, const connect_options& options)
    : options_(options), socket_(executor)
{
    if (!options.raw)
    {
        in_.resize(options.read_buffer_size);
    }
}

bool peer::fail(std::string reason)
{
    if (error_.empty())
    {
        error_ = std::move(reason);
    }
    ended_ = true;
    return false;
}

awaitable<std::tuple<asio::error_code, std::size_t>> peer::read_some(asio::mutable_buffer buffer)
{
    if (tls_)
    {
        return tls_->async_read_some(buffer, use_tuple);
    }
    return socket_.async_read_some(buffer, use_tuple);
}

awaitable<std::tuple<asio::error_code, std::size_t>> peer::write_all(asio::const_buffer buffer)
{
    if (tls_)
    {
        return asio::async_write(*tls_, buffer, use_tuple);
    }
    return asio::async_write(socket_, buffer, use_tuple);
}

awaitable<bool> peer::open()
{
    auto [connect_error] = co_await socket_.async_connect(options_.endpoint, use_tuple);
    if (connect_error)
    {
        co_return fail("connect: " + connect_error.message());
    }
    asio::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (options_.tls != nullptr)
    {
        tls_.emplace(socket_, *options_.tls);
        auto [tls_error] =
            co_await tls_->async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (tls_error)
        {
            co_return fail("TLS handshake: " + tls_error.message());
        }
        auto* ssl = tls_->native_handle();
        tls_description_ = std::string(SSL_get_version(ssl)) + " " + SSL_get_cipher_name(ssl);
    }
    if (options_.raw)
    {
        co_return true;
    }
    const auto key = ws::make_key();
    const auto request = ws::make_upgrade_request(options_.host, options_.endpoint.port(),
                                                  options_.path, key, options_.subprotocol);
    auto [write_error, written] = co_await write_all(asio::buffer(request));
    if (write_error)
    {
        co_return fail("sending the upgrade request: " + write_error.message());
    }
    const bool upgraded = co_await read_upgrade_response(key);
    co_return upgraded;
}

awaitable<bool> peer::fill_buffer()
{
    if (in_begin_ > 0)
    {
        std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
    }
    if (in_end_ == in_.size())
    {
        co_return fail("read buffer full");
    }
    auto [ec, n] = co_await read_some(asio::buffer(in_.data() + in_end_, in_.size() - in_end_));
    if (ec)
    {
        co_return fail(ec == asio::error::eof ? "connection closed by the server"
                                              : "read: " + ec.message());
    }
    in_end_ += n;
    co_return true;
}

awaitable<bool> peer::read_upgrade_response(const std::string& key)
{
    for (;;)
    {
        const std::string_view buffered(reinterpret_cast<const char*>(in_.data()), in_end_);
        const auto end = buffered.find("\r\n\r\n");
        if (end != std::string_view::npos)
        {
            // Bytes after the blank line are already WebSocket frames (a source target may
            // start sending at once), so they stay in the buffer.
            in_begin_ = end + 4;
            auto problem =
                ws::check_upgrade_response(buffered.substr(0, end + 4), key, options_.subprotocol);
            if (!problem.empty())
            {
                co_return fail(std::move(problem));
            }
            co_return true;
        }
        if (in_end_ >= std::min(max_response_head, in_.size()))
        {
            co_return fail("no end of the HTTP response head within " + std::to_string(in_end_) +
                           " bytes");
        }
        const bool more = co_await fill_buffer();
        if (!more)
        {
            co_return false;
        }
    }
}

awaitable<bool> peer::send_frame(std::uint8_t opcode, std::span<const std::byte> payload)
{
    writing_ = true;
    ws::encode_client_frame(out_, opcode, payload, masks_.next());
    auto [ec, n] = co_await write_all(asio::buffer(out_));
    writing_ = false;
    if (ec)
    {
        co_return fail("write: " + ec.message());
    }
    if (has_pending_pong_)
    {
        has_pending_pong_ = false;
        const auto pong = std::move(pending_pong_);
        const bool sent = co_await send_frame(ws::op_pong, pong);
        co_return sent;
    }
    co_return true;
}

awaitable<bool> peer::send(std::span<const std::byte> payload)
{
    if (ended_)
    {
        co_return false;
    }
    if (options_.raw)
    {
        auto [ec, n] = co_await write_all(asio::buffer(payload.data(), payload.size()));
        if (ec)
        {
            co_return fail("write: " + ec.message());
        }
        co_return true;
    }
    const bool sent = co_await send_frame(ws::op_binary, payload);
    co_return sent;
}

awaitable<std::size_t> peer::receive(std::span<std::byte> out)
{
    if (ended_ || out.empty())
    {
        co_return 0;
    }
    if (options_.raw)
    {
        auto [ec, n] = co_await read_some(asio::buffer(out.data(), out.size()));
        if (ec)
        {
            fail(ec == asio::error::eof ? "connection closed by the server"
                                        : "read: " + ec.message());
            co_return 0;
        }
        co_return n;
    }
    for (;;)
    {
        if (payload_left_ > 0)
        {
            const std::size_t buffered = in_end_ - in_begin_;
            if (buffered > 0)
            {
                const auto n = static_cast<std::size_t>(
                    std::min<std::uint64_t>({out.size(), buffered, payload_left_}));
                std::memcpy(out.data(), in_.data() + in_begin_, n);
                in_begin_ += n;
                payload_left_ -= n;
                co_return n;
            }
            // Nothing buffered: payload goes straight into the caller's buffer.
            const auto want =
                static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), payload_left_));
            auto [ec, n] = co_await read_some(asio::buffer(out.data(), want));
            if (ec)
            {
                fail(ec == asio::error::eof ? "connection closed by the server"
                                            : "read: " + ec.message());
                co_return 0;
            }
            payload_left_ -= n;
            co_return n;
        }
        const auto buffered =
            std::span<const std::byte>(in_).subspan(in_begin_, in_end_ - in_begin_);
        const auto parsed = ws::parse_server_frame_header(buffered);
        if (!parsed.error.empty())
        {
            fail(parsed.error);
            co_return 0;
        }
        if (!parsed.header || (!is_data(parsed.header->opcode) &&
                               buffered.size() < parsed.header->size + parsed.header->length))
        {
            // A header, or a whole control frame, is not buffered yet.
            const bool more = co_await fill_buffer();
            if (!more)
            {
                co_return 0;
            }
            continue;
        }
        const auto header = *parsed.header;
        in_begin_ += header.size;
        if (is_data(header.opcode))
        {
            payload_left_ = header.length;
            continue;
        }
        const auto length = static_cast<std::size_t>(header.length);
        const auto body = std::span<const std::byte>(in_).subspan(in_begin_, length);
        in_begin_ += length;
        if (header.opcode == ws::op_ping)
        {
            // §5.5.3: answer with the same payload; if a send is under way it goes after it.
            if (writing_)
            {
                pending_pong_.assign(body.begin(), body.end());
                has_pending_pong_ = true;
                continue;
            }
            std::vector<std::byte> pong(body.begin(), body.end());
            const bool sent = co_await send_frame(ws::op_pong, pong);
            if (!sent)
            {
                co_return 0;
            }
            continue;
        }
        if (header.opcode == ws::op_pong)
        {
            continue;
        }
        // Close (§5.5.1): note the code, echo it unless we sent ours, and end.
        std::uint16_t code = 1005;
        if (body.size() >= 2)
        {
            code = static_cast<std::uint16_t>((std::to_integer<unsigned>(body[0]) << 8U) |
                                              std::to_integer<unsigned>(body[1]));
        }
        close_code_ = code;
        ended_ = true;
        if (!close_sent_ && !writing_)
        {
            close_sent_ = true;
            const auto reply = close_payload(code == 1005 ? close_normal : code);
            co_await send_frame(ws::op_close, reply);
        }
        co_return 0;
    }
}

awaitable<bool> peer::receive_exact(std::span<std::byte> out)
{
    std::size_t got = 0;
    while (got < out.size())
    {
        const auto n = co_await receive(out.subspan(got));
        if (n == 0)
        {
            if (error_.empty())
            {
                error_ = "connection closed (code " + std::to_string(close_code_.value_or(0)) +
                         ") after " + std::to_string(got) + " of " + std::to_string(out.size()) +
                         " bytes";
            }
            co_return false;
        }
        got += n;
    }
    co_return true;
}

awaitable<void> peer::drain_until_close()
{
    std::vector<std::byte> sink(4096);
    for (;;)
    {
        const auto n = co_await receive(sink);
        if (n == 0)
        {
            co_return;
        }
    }
}

awaitable<void> peer::close(std::chrono::steady_clock::duration limit)
{
    if (!options_.raw && !ended_ && !close_sent_)
    {
        close_sent_ = true;
        const auto payload = close_payload(close_normal);
        const bool sent = co_await send_frame(ws::op_close, payload);
        if (sent)
        {
            asio::steady_timer timer(socket_.get_executor(), limit);
            co_await (drain_until_close() || timer.async_wait(use_tuple));
        }
    }
    ended_ = true;
    asio::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

} // namespace bench
