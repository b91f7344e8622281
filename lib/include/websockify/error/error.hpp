#pragma once

#include <system_error>

namespace websockify
{

/// Every failure the protocol code can report. Each message says what went wrong in terms a
/// user or peer developer can act on.
enum class error
{
    // HTTP request head (RFC 9112 §2-5)
    header_too_large = 1, ///< request head over the configured limit (431)
    malformed_request_line,
    malformed_header,
    unsupported_http_version,

    // WebSocket upgrade (RFC 6455 §4.2.1)
    bad_method,
    not_an_upgrade,
    missing_connection_upgrade,
    missing_key,
    bad_key,
    missing_version,
    unsupported_version, ///< answered with 426 + Sec-WebSocket-Version: 13

    // base64 (RFC 4648 §4)
    bad_base64,

    // token stores: a target that is not "host:port"
    bad_target,
};

/// Groups of `error` that callers branch on.
enum class condition
{
    handshake_failed = 1,
    protocol_violation,
};

const std::error_category& error_category() noexcept;
const std::error_category& condition_category() noexcept;

std::error_code make_error_code(error e) noexcept;
std::error_condition make_error_condition(condition c) noexcept;

} // namespace websockify

template <> struct std::is_error_code_enum<websockify::error> : std::true_type
{
};
template <> struct std::is_error_condition_enum<websockify::condition> : std::true_type
{
};
