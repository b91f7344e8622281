#pragma once

#include "websockify/net/asio.hpp"

namespace websockify::net
{

/// Completes when the peer has reset the connection (or it failed in another way), without
/// reading from it. A session whose reads from this peer are paused (its data waits for a
/// target that does not read) would otherwise notice a vanished client only when that target
/// reads again, maybe never. A half-close (FIN) is a normal state and does not complete it.
/// Cancellable (the relay races it with `||`).
awaitable<void> wait_for_reset(stream_socket& socket);
awaitable<void> wait_for_reset(tls_stream& stream);

/// Whether a TCP connection that just read as ended (EOF) was in fact reset by the peer. After
/// a reset the kernel reports ECONNRESET once, to whichever call comes first; when that was a
/// write in the other direction, the read sees a plain EOF. The TCP state tells them apart: a
/// FIN leaves the socket in CLOSE_WAIT, a reset in CLOSE. False for other sockets (unix).
bool ended_by_reset(stream_socket& socket) noexcept;
bool ended_by_reset(tls_stream& stream) noexcept;

} // namespace websockify::net
