#pragma once

#include "websockify/config/config.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace websockify::wrap
{

/// Where websockify proxies to once rebind.so moved the program to `loopback_port`:
/// "localhost", which net::connect_target maps to 127.0.0.1 and [::1], because the program
/// may listen on either family or both.
config::endpoint program_target(std::uint16_t loopback_port);

/// How long a connection keeps retrying a refused connect to the target: 5 s when a program
/// is wrapped (it may be restarting), else 0 (fail at once, as before).
std::chrono::milliseconds connect_retry_window(const config::settings& settings);

/// The command as Python websockify logs it: the arguments joined by spaces.
std::string command_text(const std::vector<std::string>& command);

} // namespace websockify::wrap
