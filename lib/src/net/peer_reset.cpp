#include "websockify/net/peer_reset.hpp"

#include <poll.h>

namespace websockify::net
{
namespace
{

/// POLLERR or POLLHUP right now: the connection is reset or closed both ways. Urgent (OOB)
/// data also wakes an error wait, and is not a reset.
bool broken(stream_socket& socket)
{
    pollfd state{socket.native_handle(), 0, 0};
    return ::poll(&state, 1, 0) == 1 && (state.revents & (POLLERR | POLLHUP)) != 0;
}

} // namespace

awaitable<void> wait_for_reset(stream_socket& socket)
{
    for (;;)
    {
        // Asio's reactor completes an error wait on EPOLLERR/EPOLLHUP (and EPOLLPRI).
        auto [ec] = co_await socket.async_wait(stream_socket::wait_error, use_tuple);
        if (ec == asio::error::operation_aborted)
        {
            // Cancelled: the session ended for another reason. Wait for nothing more.
            co_return;
        }
        if (ec || !socket.is_open() || broken(socket))
        {
            co_return;
        }
    }
}

awaitable<void> wait_for_reset(tls_stream& stream)
{
    co_await wait_for_reset(stream.next_layer());
}

} // namespace websockify::net
