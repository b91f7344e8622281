#pragma once

#include "websockify/error/error.hpp"
#include "websockify/error/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace websockify::token
{

/// Where a token leads: a TCP host and port, or a unix socket path.
struct target
{
    std::string host; ///< name or IP literal, without IPv6 brackets
    std::uint16_t port = 0;
    std::string unix_path; ///< set instead of host/port for unix socket targets

    bool is_unix() const noexcept { return !unix_path.empty(); }
    friend bool operator==(const target&, const target&) = default;
};

/// "host:port" as token stores write it: the port follows the last ':' (so a bare IPv6
/// address before it works), brackets around the host are removed, surrounding whitespace is
/// ignored. Errors: bad_target (no colon, empty host, port not 1..65535).
result<target> parse_target(std::string_view text);

/// "host:port" for logs, brackets around IPv6 hosts; "unix:PATH" for unix targets.
std::string to_string(const target& t);

} // namespace websockify::token
