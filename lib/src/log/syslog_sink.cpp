#include "websockify/log/syslog_sink.hpp"

#include "websockify/log/event_scope.hpp"

#include <array>
#include <ctime>
#include <string_view>
#include <unistd.h>
#include <utility>

namespace websockify::log
{
namespace
{

std::string host_name()
{
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0)
    {
        return {};
    }
    return name.data();
}

/// Local time minus UTC at `time` (RFC 3164 stamps are local time).
std::chrono::seconds utc_offset(std::chrono::system_clock::time_point time)
{
    const auto seconds = std::chrono::system_clock::to_time_t(time);
    std::tm local{};
    localtime_r(&seconds, &local);
    return std::chrono::seconds{local.tm_gmtoff};
}

/// Consecutive successful sends after which an unreachable server counts as back.
constexpr unsigned sends_to_recover = 2;

} // namespace

syslog_sink::syslog_sink(std::unique_ptr<syslog_socket> socket, syslog_protocol protocol,
                         syslog_facility facility)
    : socket_(std::move(socket)), protocol_(protocol), facility_(facility), hostname_(host_name())
{
    if (protocol_ == syslog_protocol::rfc3164)
    {
        // RFC 3164 §4.1.2: the host name without its domain.
        hostname_ = hostname_.substr(0, hostname_.find('.'));
    }
}

std::optional<syslog_notice> syslog_sink::take_notice()
{
    if (!has_notice_.load(std::memory_order_acquire))
    {
        return std::nullopt;
    }
    const std::lock_guard lock(mutex_);
    has_notice_.store(false, std::memory_order_relaxed);
    return std::exchange(notice_, std::nullopt);
}

void syslog_sink::sink_it_(const spdlog::details::log_msg& msg)
{
    syslog_record record;
    record.facility = facility_;
    record.severity = to_syslog_severity(msg.level);
    record.time = msg.time;
    record.hostname = hostname_;
    // Asked every time: a daemon's pid is not the pid of the process that set logging up.
    record.pid = ::getpid();
    record.msgid = event_scope::current();
    record.message = std::string_view(msg.payload.data(), msg.payload.size());
    std::string datagram;
    if (protocol_ == syslog_protocol::rfc3164)
    {
        record.utc_offset = utc_offset(msg.time);
        datagram = format_rfc3164(record);
    }
    else
    {
        datagram = format_rfc5424(record);
    }

    if (const auto error = socket_->send(datagram))
    {
        sent_in_a_row_ = 0;
        dropped_.fetch_add(1, std::memory_order_relaxed);
        ++dropped_in_outage_;
        if (!unreachable_)
        {
            unreachable_ = true;
            notice_ = syslog_notice{true, "syslog " + socket_->server() + " unreachable (" +
                                              error.message() +
                                              "): log lines are dropped until it answers"};
            has_notice_.store(true, std::memory_order_release);
        }
        return;
    }
    ++sent_in_a_row_;
    if (unreachable_ && sent_in_a_row_ >= sends_to_recover)
    {
        unreachable_ = false;
        notice_ = syslog_notice{false, "syslog " + socket_->server() + " answers again; " +
                                           std::to_string(dropped_in_outage_) +
                                           " log lines were dropped"};
        dropped_in_outage_ = 0;
        has_notice_.store(true, std::memory_order_release);
    }
}

} // namespace websockify::log
