#pragma once

#include "ws_codec.hpp"

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bench
{

using asio::awaitable;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

/// For I/O whose failure is an outcome: `auto [ec, n] = co_await op(..., use_tuple)`.
inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

/// Where and how a client connects.
struct connect_options
{
    tcp::endpoint endpoint;
    std::string host = "127.0.0.1"; ///< for the Host header
    std::string path = "/";
    std::string subprotocol = "binary";
    bool raw = false;                     ///< plain TCP bytes, no WebSocket framing
    asio::ssl::context* tls = nullptr;    ///< TLS when set (wss://, or TLS over raw TCP)
    std::size_t read_buffer_size = 16384; ///< per connection; keep small for 10k connections
};

/// One client connection: TCP, optionally TLS, optionally a WebSocket (RFC 6455 client).
/// Data goes out as one masked binary frame per `send`; `receive` hands back payload bytes of
/// data frames, answers pings, and reports a close frame as the end. Not movable: the TLS
/// layer refers to the socket member.
class peer
{
public:
    peer(const asio::any_io_executor& executor, const connect_options& options);
    peer(const peer&) = delete;
    peer& operator=(const peer&) = delete;

    /// Connects, shakes hands (TLS, then HTTP upgrade). False with `error()` set on failure.
    awaitable<bool> open();

    /// Sends `payload` as one message (raw: the bytes). False with `error()` set on failure.
    awaitable<bool> send(std::span<const std::byte> payload);

    /// Up to out.size() bytes of message payload; 0 when the connection has ended (a close
    /// frame, EOF or an error: see `error()` and `close_code()`).
    awaitable<std::size_t> receive(std::span<std::byte> out);

    /// Fills `out` completely; false if the connection ends first.
    awaitable<bool> receive_exact(std::span<std::byte> out);

    /// WebSocket closing handshake (§7.1.2: close frame, wait for the server's, bounded by
    /// `limit`), then the socket is closed. Raw connections are just closed.
    awaitable<void> close(std::chrono::steady_clock::duration limit = std::chrono::seconds(2));

    /// False once the connection has ended or failed.
    bool usable() const noexcept { return !ended_; }
    const std::string& error() const noexcept { return error_; }
    std::optional<std::uint16_t> close_code() const noexcept { return close_code_; }
    /// "TLSv1.3 TLS_AES_128_GCM_SHA256" once a TLS handshake is done, else empty.
    const std::string& tls_description() const noexcept { return tls_description_; }

private:
    awaitable<std::tuple<asio::error_code, std::size_t>> read_some(asio::mutable_buffer buffer);
    awaitable<std::tuple<asio::error_code, std::size_t>> write_all(asio::const_buffer buffer);
    awaitable<bool> fill_buffer();
    awaitable<bool> read_upgrade_response(const std::string& key);
    awaitable<bool> send_frame(std::uint8_t opcode, std::span<const std::byte> payload);
    awaitable<void> drain_until_close();
    bool fail(std::string reason);

    const connect_options& options_;
    tcp::socket socket_;
    std::optional<asio::ssl::stream<tcp::socket&>> tls_;
    std::vector<std::byte> in_;
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
    std::uint64_t payload_left_ = 0; ///< of the data frame being read
    std::vector<std::byte> out_;     ///< the masked frame being written
    std::vector<std::byte> pending_pong_;
    bool writing_ = false;
    bool has_pending_pong_ = false;
    bool close_sent_ = false;
    bool ended_ = false;
    std::optional<std::uint16_t> close_code_;
    std::string error_;
    std::string tls_description_;
    ws::mask_source masks_;
};

} // namespace bench
