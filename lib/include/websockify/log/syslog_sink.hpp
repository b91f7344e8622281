#pragma once

#include "websockify/log/syslog_format.hpp"
#include "websockify/log/syslog_socket.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <spdlog/sinks/base_sink.h>
#include <string>

namespace websockify::log
{

/// Which syslog header a line gets: RFC 5424 (default) or RFC 3164 (--legacy-syslog).
enum class syslog_protocol
{
    rfc5424,
    rfc3164
};

/// A line about the syslog sink itself (it went unreachable, or answers again), to be logged
/// by the caller once the sink is no longer busy.
struct syslog_notice
{
    bool warning = false;
    std::string text;
};

/// --syslog: each line (the text stderr shows) as one datagram with a syslog header; the MSGID
/// is the line's event_scope. A line that cannot be sent at once is dropped and counted, and
/// the next line tries again, so logging never blocks or fails the server.
class syslog_sink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    syslog_sink(std::unique_ptr<syslog_socket> socket, syslog_protocol protocol,
                syslog_facility facility = syslog_facility::user);

    /// Lines dropped since the start.
    std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

    /// The pending notice, if the sink's reachability changed since the last call.
    std::optional<syslog_notice> take_notice();

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::unique_ptr<syslog_socket> socket_;
    syslog_protocol protocol_;
    syslog_facility facility_;
    std::string hostname_;
    std::atomic<std::uint64_t> dropped_{0};
    bool unreachable_ = false;
    std::uint64_t dropped_in_outage_ = 0;
    /// Sends that succeeded since the last failure. A UDP server that is down makes every
    /// other send fail (the ICMP error of one send is reported by the next), so one success
    /// does not mean it is back.
    unsigned sent_in_a_row_ = 0;
    std::optional<syslog_notice> notice_;
    std::atomic<bool> has_notice_{false};
};

} // namespace websockify::log
