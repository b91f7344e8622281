#pragma once

#include <string>
#include <string_view>

namespace websockify::config
{

/// Where log lines go besides stderr (--log-file, --syslog, --legacy-syslog).
struct log_destination
{
    /// --log-file: lines appended (the file is created with mode 0640) and reopened on SIGHUP;
    /// empty: no file.
    std::string file;
    /// --syslog: a unix datagram socket path such as /dev/log, or UDP host:port; empty: none.
    std::string syslog;
    /// --legacy-syslog: RFC 3164 lines instead of RFC 5424.
    bool legacy_syslog = false;
};

/// Whether --syslog SERVER names a unix socket rather than UDP host:port. As in Python
/// websockify, a value with a ':' is host:port, unless it starts with '/' or '.' (a path).
bool is_syslog_path(std::string_view server);

} // namespace websockify::config
