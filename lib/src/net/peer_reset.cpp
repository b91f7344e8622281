#include "websockify/net/peer_reset.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

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

bool ended_by_reset(stream_socket& socket) noexcept
{
    tcp_info info{};
    socklen_t size = sizeof(info);
    // A unix socket (or a closed one) fails here: no TCP state, so no reset to report.
    if (::getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &size) != 0)
    {
        return false;
    }
    return info.tcpi_state == TCP_CLOSE;
}

bool ended_by_reset(tls_stream& stream) noexcept
{
    return ended_by_reset(stream.next_layer());
}

} // namespace websockify::net
