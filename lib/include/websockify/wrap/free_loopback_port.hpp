#pragma once

#include "websockify/error/result.hpp"

#include <cstdint>

namespace websockify::wrap
{

/// A TCP port that is free on 127.0.0.1 and, when the host has IPv6 loopback, on [::1] too:
/// rebind.so moves the program's IPv4 and IPv6 binds onto it. The kernel picks it; it is only
/// known to be free at the time of the call. Fails with the socket error.
result<std::uint16_t> free_loopback_port();

} // namespace websockify::wrap
