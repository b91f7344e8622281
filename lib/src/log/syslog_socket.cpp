#include "websockify/log/syslog_socket.hpp"

#include "websockify/config/config.hpp"
#include "websockify/log/log.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <memory>
#include <netdb.h>
#include <unistd.h>

namespace websockify::log
{
namespace
{

struct addrinfo_deleter
{
    void operator()(addrinfo* list) const noexcept { freeaddrinfo(list); }
};

/// A UDP socket connected to host:port (the first address the name resolves to).
int open_udp(const std::string& server)
{
    config::endpoint peer;
    try
    {
        peer = config::parse_target_address(server);
    }
    catch (const config::invalid_argument& e)
    {
        throw destination_error("--syslog " + server + ": " + e.what());
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const auto port = std::to_string(peer.port);
    if (const int rc = getaddrinfo(peer.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    {
        throw destination_error("--syslog " + server + ": cannot resolve '" + peer.host +
                                "': " + gai_strerror(rc));
    }
    const std::unique_ptr<addrinfo, addrinfo_deleter> list(found);
    const int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            found->ai_protocol);
    if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0)
    {
        const auto reason = std::strerror(errno);
        if (fd >= 0)
        {
            ::close(fd);
        }
        throw destination_error("--syslog " + server + ": " + reason);
    }
    return fd;
}

} // namespace

syslog_socket::syslog_socket(std::string_view server) : server_(server)
{
    if (!config::is_syslog_path(server_))
    {
        fd_ = open_udp(server_);
        return;
    }
    // Absolute, so that a daemon still reaches it after its chdir("/").
    std::error_code ignored;
    const auto path = std::filesystem::absolute(server_, ignored).string();
    if (path.empty() || path.size() >= sizeof(unix_address_.sun_path))
    {
        throw destination_error("--syslog " + server_ + ": the path is longer than " +
                                std::to_string(sizeof(unix_address_.sun_path) - 1) +
                                " bytes, the limit of a unix socket address");
    }
    unix_address_.sun_family = AF_UNIX;
    std::memcpy(unix_address_.sun_path, path.data(), path.size());
    unix_address_length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
    {
        throw destination_error("--syslog " + server_ + ": " + std::strerror(errno));
    }
}

syslog_socket::~syslog_socket()
{
    ::close(fd_);
}

std::error_code syslog_socket::send(std::string_view datagram) noexcept
{
    // MSG_DONTWAIT as well as the non-blocking socket: a full receiver queue must never stall
    // the thread that logs (it is the thread that serves connections).
    constexpr int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
    const auto sent =
        unix_address_length_ > 0
            ? ::sendto(fd_, datagram.data(), datagram.size(), flags,
                       reinterpret_cast<const sockaddr*>(&unix_address_), unix_address_length_)
            : ::send(fd_, datagram.data(), datagram.size(), flags);
    if (sent < 0)
    {
        return {errno, std::system_category()};
    }
    return {};
}

} // namespace websockify::log
