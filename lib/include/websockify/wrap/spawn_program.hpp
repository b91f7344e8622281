#pragma once

#include "websockify/error/result.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace websockify::wrap
{

/// The descriptor number under which the program inherits `spawn_request::inherited_fd`.
inline constexpr int inherited_fd_number = 3;

/// A program to start: argv[0] is looked up in PATH.
struct spawn_request
{
    std::vector<std::string> argv;
    std::vector<std::string> environment; ///< "NAME=value" entries, the whole environment
    int inherited_fd = -1;                ///< passed on as inherited_fd_number; -1: none
};

/// Starts the program as the leader of a new process group (its pgid is its pid), with SIGPIPE
/// back to its default (websockify ignores it). It inherits stdin, stdout and stderr, and
/// `inherited_fd`; every other descriptor is closed in it, as Python's subprocess does, so
/// that it never holds websockify's listener or a client's socket. Returns the pid, or why
/// the program could not be started (e.g. ENOENT).
result<pid_t> spawn_program(const spawn_request& request);

} // namespace websockify::wrap
