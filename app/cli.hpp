#pragma once

#include "websockify/config/config.hpp"

#include <optional>

namespace websockify::app
{

/// Settings to run with, or the exit status to leave with (help, version, a bad flag).
struct command_line
{
    std::optional<config::settings> settings;
    int exit_code = 0;
};

/// Parses Python websockify's command line. A bad flag or value prints one line on stderr and
/// yields exit status 2; --help and --version print to stdout and yield 0.
command_line parse_command_line(int argc, char** argv);

} // namespace websockify::app
