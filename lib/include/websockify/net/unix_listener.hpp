#pragma once

#include "websockify/net/asio.hpp"

#include <string>
#include <sys/types.h>

namespace websockify::net
{

/// --unix-listen PATH: listens on a unix domain socket whose file gets exactly `mode` (e.g.
/// 0600), whatever the umask. A stale socket file (nobody listening) left by a crash is
/// replaced; a live one, or a file that is not a socket, is a startup_error.
stream_acceptor open_unix_listener(const asio::any_io_executor& executor, const std::string& path,
                                   mode_t mode);

/// Removes a socket file that open_unix_listener created, when websockify stops.
class unix_socket_file
{
public:
    explicit unix_socket_file(std::string path) : path_(std::move(path)) {}
    ~unix_socket_file();
    unix_socket_file(const unix_socket_file&) = delete;
    unix_socket_file& operator=(const unix_socket_file&) = delete;
    unix_socket_file(unix_socket_file&&) = delete;
    unix_socket_file& operator=(unix_socket_file&&) = delete;

private:
    std::string path_;
};

} // namespace websockify::net
