#include "websockify/log/syslog_format.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace websockify::log
{
namespace
{

/// Header fields are 1*N PRINTUSASCII (33..126) or the nil value "-" (RFC 5424 §6).
std::string header_field(std::string_view text, std::size_t max_length)
{
    if (text.empty())
    {
        return "-";
    }
    std::string out(text.substr(0, max_length));
    for (auto& c : out)
    {
        if (c < '!' || c > '~')
        {
            c = '_';
        }
    }
    return out;
}

std::string priority(const syslog_record& record)
{
    const auto value =
        static_cast<unsigned>(record.facility) * 8U + static_cast<unsigned>(record.severity);
    return '<' + std::to_string(value) + '>';
}

std::tm broken_down(std::chrono::system_clock::time_point time, std::chrono::seconds offset)
{
    const auto shifted = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::seconds>(time) + offset);
    std::tm out{};
    gmtime_r(&shifted, &out);
    return out;
}

} // namespace

syslog_severity to_syslog_severity(spdlog::level::level_enum level) noexcept
{
    switch (level)
    {
    case spdlog::level::trace:
    case spdlog::level::debug:
        return syslog_severity::debug;
    case spdlog::level::warn:
        return syslog_severity::warning;
    case spdlog::level::err:
        return syslog_severity::error;
    case spdlog::level::critical:
        return syslog_severity::critical;
    default:
        return syslog_severity::informational;
    }
}

std::string format_rfc5424(const syslog_record& record)
{
    const auto utc = broken_down(record.time, std::chrono::seconds{0});
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(record.time.time_since_epoch())
            .count() %
        1000;
    std::array<char, 48> stamp{};
    std::snprintf(stamp.data(), stamp.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                  utc.tm_sec, static_cast<int>(millis < 0 ? millis + 1000 : millis));
    // Field lengths from RFC 5424 §6: HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32.
    std::string out = priority(record) + "1 " + stamp.data();
    out += ' ' + header_field(record.hostname, 255);
    out += ' ' + header_field(record.app_name, 48);
    out += ' ' + std::to_string(record.pid);
    out += ' ' + header_field(record.msgid, 32);
    out += " -";
    if (!record.message.empty())
    {
        out += ' ';
        out += record.message;
    }
    return out;
}

std::string format_rfc3164(const syslog_record& record)
{
    // Month names are English whatever the locale (RFC 3164 §4.1.2), and the day is
    // space-padded: "Oct  9".
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto local = broken_down(record.time, record.utc_offset);
    std::array<char, 32> stamp{};
    std::snprintf(stamp.data(), stamp.size(), "%s %2d %02d:%02d:%02d",
                  months.at(static_cast<std::size_t>(local.tm_mon)), local.tm_mday, local.tm_hour,
                  local.tm_min, local.tm_sec);
    std::string out = priority(record) + stamp.data();
    out += ' ' + header_field(record.hostname, 255);
    out += ' ' + header_field(record.app_name, 32) + '[' + std::to_string(record.pid) + "]: ";
    out += record.message;
    return out;
}

} // namespace websockify::log
