#pragma once

#include <chrono>
#include <cstdint>
#include <spdlog/common.h>
#include <string>
#include <string_view>

namespace websockify::log
{

/// RFC 5424 §6.2.1 severities (RFC 3164 uses the same numbers).
enum class syslog_severity : std::uint8_t
{
    emergency = 0,
    alert = 1,
    critical = 2,
    error = 3,
    warning = 4,
    notice = 5,
    informational = 6,
    debug = 7,
};

/// RFC 5424 §6.2.1 facilities we send with: user-level (Python websockify's) or daemon.
enum class syslog_facility : std::uint8_t
{
    user = 1,
    daemon = 3,
};

/// The severity for a log line's level: debug and trace → debug, info → informational,
/// warn → warning, err → error, critical → critical.
syslog_severity to_syslog_severity(spdlog::level::level_enum level) noexcept;

/// One log line with what a syslog header needs. Fields are copied as given, except that
/// header fields are made printable US-ASCII (RFC 5424 §6).
struct syslog_record
{
    syslog_facility facility = syslog_facility::user;
    syslog_severity severity = syslog_severity::informational;
    std::chrono::system_clock::time_point time;
    /// Local time minus UTC; only RFC 3164, whose timestamp is local time, uses it.
    std::chrono::seconds utc_offset{0};
    std::string_view hostname;
    std::string_view app_name = "websockify";
    std::int64_t pid = 0;
    /// RFC 5424 MSGID (the event name); empty gives the nil value "-".
    std::string_view msgid;
    std::string_view message;
};

/// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG` (RFC 5424 §6), the timestamp in
/// UTC with milliseconds, no structured data, MSG without a BOM (as Python websockify sends).
std::string format_rfc5424(const syslog_record& record);

/// `<PRI>Mmm dd hh:mm:ss HOSTNAME APP-NAME[PID]: MSG` (RFC 3164 §4.1), local time.
std::string format_rfc3164(const syslog_record& record);

} // namespace websockify::log
