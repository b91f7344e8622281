#pragma once

// The only file that knows which Asio version we build against (Debian 12: 1.22.1).

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/ssl.hpp>
#include <cstddef>
#include <span>

namespace websockify
{
using namespace asio::experimental::awaitable_operators; // a || b, a && b everywhere

namespace net
{
using asio::awaitable;
using tcp = asio::ip::tcp;
/// A connected stream socket of any family: TCP (IPv4/IPv6) or unix domain. Clients and
/// targets of every kind share it, so the relay is compiled once per TLS/plain combination.
using stream_socket = asio::generic::stream_protocol::socket;
/// A listening socket of any family (TCP, --unix-listen, or fd 0 with --inetd).
using stream_acceptor = asio::basic_socket_acceptor<asio::generic::stream_protocol>;
/// A client connection that turned out to speak TLS (wss://), or a --ssl-target target.
using tls_stream = asio::ssl::stream<stream_socket>;

/// For I/O whose failure is an expected outcome: `auto [ec, n] = co_await ...`.
/// Asio 1.22 keeps as_tuple in experimental and has no default completion token.
inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

/// Asio 1.22 has no buffer(std::span).
inline asio::const_buffer as_buffer(std::span<const std::byte> s) noexcept
{
    return {s.data(), s.size()};
}
inline asio::mutable_buffer as_buffer(std::span<std::byte> s) noexcept
{
    return {s.data(), s.size()};
}

} // namespace net
} // namespace websockify
