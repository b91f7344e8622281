#pragma once

#include <string>

namespace websockify::wrap
{

/// The shell's convention for a waitpid() status: the exit status of a program that exited,
/// 128 + N for one killed by signal N. websockify exits with it in --wrap-mode=exit.
int exit_code_of(int wait_status) noexcept;

/// "exited with status 7" or "killed by signal 9 (Killed)", for log lines.
std::string describe_wait_status(int wait_status);

} // namespace websockify::wrap
