#include "websockify/net/peer_reset.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

namespace websockify::net
{
bool reset_now(stream_socket& socket)
{
    pollfd state{socket.native_handle(), 0, 0};
    return ::poll(&state, 1, 0) == 1 && (state.revents & (POLLERR | POLLHUP)) != 0;
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
