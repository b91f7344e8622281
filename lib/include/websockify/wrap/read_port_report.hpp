#pragma once

#include "websockify/wrap/port_report.hpp"

#include <chrono>
#include <string>

namespace websockify::wrap
{

/// How reading rebind.so's report ended.
enum class report_status
{
    reported,              ///< a valid "P Q\n" line arrived
    closed_without_report, ///< end of file first: the program exited or closed the descriptor
    timed_out,             ///< nothing within the limit: the program never bound a port
    malformed,             ///< something else arrived (kept in `text`)
};

struct report_outcome
{
    report_status status = report_status::closed_without_report;
    port_report ports;
    std::string text; ///< what was read, for the error message
};

/// Reads the report from the pipe's read end `fd` until a newline, end of file or `limit`.
/// Blocks the calling thread: it runs at startup, before the server serves anyone.
report_outcome read_port_report(int fd, std::chrono::milliseconds limit);

} // namespace websockify::wrap
