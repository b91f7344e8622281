#pragma once

#include "websockify/net/asio.hpp"

#include <chrono>

namespace websockify::net
{

/// Ends a client connection without losing what we last sent: half-close our side, read and
/// discard until the peer closes (bounded by `linger`), then close. Closing with unread input
/// would make the kernel send RST, which can destroy a close frame still in flight.
awaitable<void> graceful_close(stream_socket& stream, std::chrono::steady_clock::duration linger);

/// The same for TLS: close_notify both ways (bounded by `linger`), then the socket.
awaitable<void> graceful_close(tls_stream& stream, std::chrono::steady_clock::duration linger);

/// Closes a socket at once, ignoring errors (the peer may already be gone).
void close_now(stream_socket& socket) noexcept;
void close_now(tls_stream& stream) noexcept;

} // namespace websockify::net
