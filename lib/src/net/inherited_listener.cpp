#include "websockify/net/inherited_listener.hpp"

#include "websockify/net/listener.hpp"

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>

namespace websockify::net
{
namespace
{

int socket_option(int fd, int name)
{
    int value = 0;
    socklen_t size = sizeof(value);
    if (::getsockopt(fd, SOL_SOCKET, name, &value, &size) != 0)
    {
        return -1;
    }
    return value;
}

} // namespace

stream_acceptor adopt_listener(const asio::any_io_executor& executor, int fd, std::string_view what)
{
    const std::string which = std::string(what) + ": file descriptor " + std::to_string(fd);
    sockaddr_storage address{};
    socklen_t size = sizeof(address);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's shape
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
    {
        throw startup_error(which + " is not a socket (" + std::strerror(errno) + ")");
    }
    if (socket_option(fd, SO_TYPE) != SOCK_STREAM)
    {
        throw startup_error(which + " is not a stream socket");
    }
    if (socket_option(fd, SO_ACCEPTCONN) != 1)
    {
        throw startup_error(which + " is not listening");
    }
    const int family = address.ss_family;
    const int protocol = family == AF_INET || family == AF_INET6 ? IPPROTO_TCP : 0;
    stream_acceptor acceptor(executor);
    asio::error_code ec;
    acceptor.assign(asio::generic::stream_protocol(family, protocol), fd, ec);
    if (ec)
    {
        throw startup_error(which + ": " + ec.message());
    }
    return acceptor;
}

} // namespace websockify::net
