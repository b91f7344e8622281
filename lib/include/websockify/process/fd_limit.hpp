#pragma once

#include <cstddef>

namespace websockify::process
{

/// Descriptors a proxy of `connections` sessions needs: two per connection (client and target)
/// and a few for the listener, logs, token stores and recordings.
constexpr std::size_t fds_for_connections(std::size_t connections)
{
    constexpr std::size_t reserved = 64;
    return 2 * connections + reserved;
}

/// The inverse: how many connections `fd_limit` descriptors carry (at least one).
constexpr std::size_t connections_for_fd_limit(std::size_t fd_limit)
{
    constexpr std::size_t reserved = fds_for_connections(0);
    return fd_limit > reserved + 2 ? (fd_limit - reserved) / 2 : 1;
}

/// Raises the soft RLIMIT_NOFILE (Debian's default 1024 would cap a proxy at about 480
/// sessions) to `wanted`, or at least 65,536, within the hard limit. It stops there rather
/// than at the hard limit (often 2^20) because a wrapped program inherits it, and some close
/// every possible descriptor at startup. Returns the soft limit now in force.
std::size_t raise_fd_limit(std::size_t wanted);

} // namespace websockify::process
