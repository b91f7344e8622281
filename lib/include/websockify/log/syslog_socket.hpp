#pragma once

#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/un.h>
#include <system_error>

namespace websockify::log
{

/// A non-blocking datagram socket towards a syslog server: a unix datagram socket path (e.g.
/// /dev/log), or UDP host:port (config::is_syslog_path decides). Sending never blocks.
class syslog_socket
{
public:
    /// Throws destination_error when `server` cannot be used: a bad or unresolvable UDP
    /// address, a path too long for a unix socket. A receiver that is absent is no error.
    explicit syslog_socket(std::string_view server);
    ~syslog_socket();
    syslog_socket(const syslog_socket&) = delete;
    syslog_socket& operator=(const syslog_socket&) = delete;

    /// Sends one datagram now or fails: the receiver is gone (ENOENT, ECONNREFUSED), its
    /// queue is full (EAGAIN), the datagram is too long (EMSGSIZE). Nothing is queued.
    std::error_code send(std::string_view datagram) noexcept;

    /// The server as given, for messages.
    const std::string& server() const noexcept { return server_; }

private:
    std::string server_;
    int fd_ = -1;
    /// Unix sockets: the peer's address, given on every send so that a syslog daemon that
    /// restarts (a new socket at the same path) is reached again. Empty for UDP, whose
    /// socket is connected so that ICMP "port unreachable" is reported.
    sockaddr_un unix_address_{};
    socklen_t unix_address_length_ = 0;
};

} // namespace websockify::log
