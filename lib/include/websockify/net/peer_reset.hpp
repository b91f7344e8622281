#pragma once

#include "websockify/net/asio.hpp"

namespace websockify::net
{

/// After a wait for an error condition on `socket` completed: whether the connection is now
/// reset, or closed both ways. Urgent (OOB) data also wakes such a wait, and is not a reset.
bool reset_now(stream_socket& socket);

/// Calls `handler(true)` once the peer has reset the connection (or it failed in another way),
/// without reading from it, or `handler(false)` if the wait is cancelled through the handler's
/// cancellation slot. A session whose reads from this peer are paused (its data waits for a
/// target that does not read) would otherwise notice a vanished client only when that target
/// reads again, maybe never. A half-close (FIN) is a normal state and does not count.
template <class Handler> void async_wait_for_reset(stream_socket& socket, Handler handler)
{
    auto slot = asio::get_associated_cancellation_slot(handler);
    // Asio's reactor completes an error wait on EPOLLERR/EPOLLHUP (and EPOLLPRI).
    socket.async_wait(stream_socket::wait_error,
                      asio::bind_cancellation_slot(
                          slot,
                          [&socket, handler = std::move(handler)](std::error_code ec) mutable
                          {
                              if (ec == asio::error::operation_aborted)
                              {
                                  handler(false);
                              }
                              else if (!ec && socket.is_open() && !reset_now(socket))
                              {
                                  async_wait_for_reset(socket, std::move(handler));
                              }
                              else
                              {
                                  handler(true);
                              }
                          }));
}

template <class Handler> void async_wait_for_reset(tls_stream& stream, Handler handler)
{
    async_wait_for_reset(stream.next_layer(), std::move(handler));
}

/// Whether a TCP connection that just read as ended (EOF) was in fact reset by the peer. After
/// a reset the kernel reports ECONNRESET once, to whichever call comes first; when that was a
/// write in the other direction, the read sees a plain EOF. The TCP state tells them apart: a
/// FIN leaves the socket in CLOSE_WAIT, a reset in CLOSE. False for other sockets (unix).
bool ended_by_reset(stream_socket& socket) noexcept;
bool ended_by_reset(tls_stream& stream) noexcept;

} // namespace websockify::net
