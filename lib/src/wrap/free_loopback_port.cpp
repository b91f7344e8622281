#include "websockify/wrap/free_loopback_port.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace websockify::wrap
{
namespace
{

/// A socket closed when it goes out of scope.
class socket_fd
{
public:
    explicit socket_fd(int family) : fd_(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    ~socket_fd()
    {
        if (fd_ >= 0)
        {
            ::close(fd_);
        }
    }
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

std::error_code last_error()
{
    return {errno, std::generic_category()};
}

/// Binds to 127.0.0.1:port (0: the kernel picks); the bound port, or the error.
result<std::uint16_t> bind_v4(const socket_fd& s, std::uint16_t port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::bind(s.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    {
        return last_error();
    }
    socklen_t length = sizeof address;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::getsockname(s.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
    {
        return last_error();
    }
    return ntohs(address.sin_port);
}

std::error_code bind_v6(const socket_fd& s, std::uint16_t port)
{
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_loopback;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::bind(s.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    {
        return last_error();
    }
    return {};
}

} // namespace

result<std::uint16_t> free_loopback_port()
{
    // A port free on IPv4 is usually free on IPv6 too; when it is not, let the kernel pick
    // another rather than fail.
    constexpr int attempts = 20;
    std::error_code last = std::make_error_code(std::errc::address_in_use);
    for (int i = 0; i < attempts; ++i)
    {
        const socket_fd v4(AF_INET);
        if (v4.get() < 0)
        {
            return last_error();
        }
        const auto port = bind_v4(v4, 0);
        if (!port)
        {
            return port.error();
        }
        const socket_fd v6(AF_INET6);
        if (v6.get() < 0)
        {
            return *port; // no IPv6 at all
        }
        last = bind_v6(v6, *port);
        if (!last || last == std::errc::address_not_available ||
            last == std::errc::address_family_not_supported)
        {
            return *port;
        }
    }
    return last;
}

} // namespace websockify::wrap
