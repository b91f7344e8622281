#pragma once

#include "websockify/config/config.hpp"

namespace websockify::server
{

/// Listens, serves connections until SIGINT/SIGTERM, and returns the process exit status: 0,
/// or with --wrap-mode=exit the wrapped program's (128 + N when signal N killed it). A wrapped
/// program's process group is ended before it returns. Throws net::startup_error when it
/// cannot start (busy port, bad address, rebind.so missing, program not started).
int run(const config::settings& settings);

} // namespace websockify::server
