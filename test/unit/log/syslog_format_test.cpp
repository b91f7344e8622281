#include "websockify/log/syslog_format.hpp"

#include <gtest/gtest.h>

namespace websockify::log
{
namespace
{

using namespace std::chrono;
using namespace std::chrono_literals;

/// 2026-03-04T05:06:07.089Z
system_clock::time_point fixed_time()
{
    return sys_days{year{2026} / March / 4} + 5h + 6min + 7s + 89ms;
}

syslog_record connect_record()
{
    syslog_record record;
    record.time = fixed_time();
    record.hostname = "gateway.example.org";
    record.pid = 4242;
    record.msgid = "connect";
    record.message = "connecting to: 127.0.0.1:5900";
    return record;
}

TEST(SyslogSeverity, MapsLogLevels)
{
    EXPECT_EQ(to_syslog_severity(spdlog::level::trace), syslog_severity::debug);
    EXPECT_EQ(to_syslog_severity(spdlog::level::debug), syslog_severity::debug);
    EXPECT_EQ(to_syslog_severity(spdlog::level::info), syslog_severity::informational);
    EXPECT_EQ(to_syslog_severity(spdlog::level::warn), syslog_severity::warning);
    EXPECT_EQ(to_syslog_severity(spdlog::level::err), syslog_severity::error);
    EXPECT_EQ(to_syslog_severity(spdlog::level::critical), syslog_severity::critical);
}

TEST(Rfc5424, ExactBytes)
{
    // PRI 14 = facility user (1) * 8 + informational (6).
    EXPECT_EQ(format_rfc5424(connect_record()),
              "<14>1 2026-03-04T05:06:07.089Z gateway.example.org websockify 4242 connect - "
              "connecting to: 127.0.0.1:5900");
}

TEST(Rfc5424, PriorityFromFacilityAndSeverity)
{
    auto record = connect_record();
    record.facility = syslog_facility::daemon;
    record.severity = syslog_severity::warning;
    EXPECT_TRUE(format_rfc5424(record).starts_with("<28>1 ")); // 3 * 8 + 4
    record.facility = syslog_facility::user;
    record.severity = syslog_severity::debug;
    EXPECT_TRUE(format_rfc5424(record).starts_with("<15>1 "));
}

TEST(Rfc5424, EmptyHeaderFieldsAreNil)
{
    auto record = connect_record();
    record.hostname = "";
    record.msgid = "";
    EXPECT_EQ(format_rfc5424(record), "<14>1 2026-03-04T05:06:07.089Z - websockify 4242 - - "
                                      "connecting to: 127.0.0.1:5900");
}

TEST(Rfc5424, MsgidMadePrintableAndCutTo32)
{
    auto record = connect_record();
    record.msgid = "session closed";
    EXPECT_NE(format_rfc5424(record).find(" 4242 session_closed - "), std::string::npos);
    record.msgid = "abcdefghijklmnopqrstuvwxyz0123456789";
    EXPECT_NE(format_rfc5424(record).find(" 4242 abcdefghijklmnopqrstuvwxyz012345 - "),
              std::string::npos);
}

TEST(Rfc5424, EmptyMessageHasNoTrailingSpace)
{
    auto record = connect_record();
    record.message = "";
    EXPECT_EQ(format_rfc5424(record),
              "<14>1 2026-03-04T05:06:07.089Z gateway.example.org websockify 4242 connect -");
}

TEST(Rfc5424, TimestampIsUtcWhateverTheOffset)
{
    auto record = connect_record();
    record.utc_offset = 2h;
    EXPECT_NE(format_rfc5424(record).find(" 2026-03-04T05:06:07.089Z "), std::string::npos);
}

TEST(Rfc3164, ExactBytes)
{
    auto record = connect_record();
    record.hostname = "gateway";
    record.utc_offset = 1h;
    // Local time, day padded with a space; no MSGID in this format.
    EXPECT_EQ(format_rfc3164(record),
              "<14>Mar  4 06:06:07 gateway websockify[4242]: connecting to: 127.0.0.1:5900");
}

TEST(Rfc3164, NegativeOffsetCrossesIntoThePreviousYear)
{
    auto record = connect_record();
    record.hostname = "gateway";
    record.time = sys_days{year{2026} / January / 1} + 30min;
    record.utc_offset = -1h;
    record.severity = syslog_severity::error;
    EXPECT_EQ(format_rfc3164(record),
              "<11>Dec 31 23:30:00 gateway websockify[4242]: connecting to: 127.0.0.1:5900");
}

TEST(Rfc3164, MissingHostnameIsDash)
{
    auto record = connect_record();
    record.hostname = "";
    record.message = "x";
    EXPECT_EQ(format_rfc3164(record), "<14>Mar  4 05:06:07 - websockify[4242]: x");
}

} // namespace
} // namespace websockify::log
