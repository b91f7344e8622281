#pragma once

#include "websockify/error/result.hpp"
#include "websockify/net/asio.hpp"

#include <chrono>
#include <string>

namespace websockify::net
{

/// --unix-target PATH: connects to a unix domain stream socket, bounded by `timeout` (a
/// listener with a full backlog would otherwise keep the client waiting).
awaitable<result<stream_socket>> connect_unix(const std::string& path,
                                              std::chrono::steady_clock::duration timeout);

} // namespace websockify::net
