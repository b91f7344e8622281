#pragma once

#include "websockify/config/config.hpp"

namespace websockify::server
{

/// Listens, serves connections until SIGINT/SIGTERM, and returns the process exit status.
/// Throws net::startup_error when it cannot start (busy port, bad address).
int run(const config::settings& settings);

} // namespace websockify::server
