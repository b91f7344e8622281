#include "websockify/log/log.hpp"

#include "websockify/codec/utf8.hpp"
#include "websockify/log/event_scope.hpp"
#include "websockify/log/log_file_sink.hpp"
#include "websockify/log/syslog_sink.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <vector>

namespace websockify::log
{
namespace
{

std::atomic<config::log_format> active_format{config::log_format::human};
std::atomic<bool> traffic_on{false};
/// Set once by setup(), before any other thread logs.
std::shared_ptr<log_file_sink> file_destination;
std::shared_ptr<syslog_sink> syslog_destination;

spdlog::level::level_enum to_spdlog(level severity)
{
    switch (severity)
    {
    case level::debug:
        return spdlog::level::debug;
    case level::warn:
        return spdlog::level::warn;
    case level::info:
        break;
    }
    return spdlog::level::info;
}

std::string_view level_name(spdlog::level::level_enum severity)
{
    switch (severity)
    {
    case spdlog::level::debug:
        return "debug";
    case spdlog::level::warn:
        return "warning";
    case spdlog::level::err:
        return "error";
    default:
        return "info";
    }
}

/// Python's BaseHTTPRequestHandler date: "24/Nov/2026 06:57:44", local time.
std::string python_date()
{
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&now, &local);
    std::array<char, 32> text{};
    const auto n = std::strftime(text.data(), text.size(), "%d/%b/%Y %H:%M:%S", &local);
    return {text.data(), n};
}

/// RFC 3339 UTC with milliseconds, for JSON events.
std::string iso_time()
{
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 32> text{};
    const auto n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
    std::array<char, 8> fraction{};
    std::snprintf(fraction.data(), fraction.size(), ".%03dZ", static_cast<int>(millis));
    return std::string(text.data(), n) + fraction.data();
}

void append_json_value(std::string& out, const field& f)
{
    if (const auto* text = std::get_if<std::string_view>(&f.value))
    {
        out += '"';
        out += json_escape(*text);
        out += '"';
    }
    else if (const auto* signed_value = std::get_if<std::int64_t>(&f.value))
    {
        out += std::to_string(*signed_value);
    }
    else
    {
        out += std::to_string(std::get<std::uint64_t>(f.value));
    }
}

std::string json_line(spdlog::level::level_enum severity, const std::uint64_t* session,
                      std::string_view peer, std::string_view event, std::string_view message,
                      std::initializer_list<field> fields)
{
    std::string out = R"({"time":")" + iso_time() + R"(","level":")";
    out += level_name(severity);
    out += '"';
    if (session != nullptr)
    {
        out += R"(,"session":)" + std::to_string(*session);
        out += R"(,"peer":")" + json_escape(peer) + '"';
    }
    out += R"(,"event":")" + json_escape(event) + '"';
    out += R"(,"msg":")" + json_escape(message) + '"';
    for (const auto& f : fields)
    {
        out += ",\"" + json_escape(f.key) + "\":";
        append_json_value(out, f);
    }
    out += '}';
    return out;
}

void server_line(spdlog::level::level_enum severity, std::string_view message);

/// A line about the syslog sink itself, logged only now that the sink is idle (from inside
/// the sink it would deadlock).
void report_syslog_notice()
{
    // The notice line itself goes to syslog too and may raise the next notice: that one waits
    // for the next line instead of recursing.
    thread_local bool reporting = false;
    if (syslog_destination == nullptr || reporting)
    {
        return;
    }
    if (auto notice = syslog_destination->take_notice())
    {
        reporting = true;
        server_line(notice->warning ? spdlog::level::warn : spdlog::level::info, notice->text);
        reporting = false;
    }
}

void emit(spdlog::level::level_enum severity, std::string_view event, std::string_view message)
{
    {
        const event_scope scope(event);
        spdlog::log(severity, "{}", message);
    }
    report_syslog_notice();
}

void server_line(spdlog::level::level_enum severity, std::string_view message)
{
    constexpr std::string_view event = "server";
    if (active_format.load() == config::log_format::json)
    {
        emit(severity, event, json_line(severity, nullptr, {}, event, message, {}));
        return;
    }
    emit(severity, event, message);
}

syslog_protocol protocol_of(const config::log_destination& destinations)
{
    return destinations.legacy_syslog ? syslog_protocol::rfc3164 : syslog_protocol::rfc5424;
}

} // namespace

void setup(config::log_format format, bool verbose, const config::log_destination& destinations)
{
    active_format = format;
    std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::stderr_sink_mt>()};
    if (!destinations.file.empty())
    {
        file_destination = std::make_shared<log_file_sink>(destinations.file);
        sinks.push_back(file_destination);
    }
    if (!destinations.syslog.empty())
    {
        syslog_destination = std::make_shared<syslog_sink>(
            std::make_unique<syslog_socket>(destinations.syslog), protocol_of(destinations));
        sinks.push_back(syslog_destination);
    }
    auto logger = std::make_shared<spdlog::logger>("websockify", sinks.begin(), sinks.end());
    // Our own line formats carry the timestamp and level, so spdlog prints only the message.
    logger->set_pattern("%v");
    logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

bool reopen_files()
{
    if (file_destination == nullptr)
    {
        return false;
    }
    if (const auto error = file_destination->reopen())
    {
        server_warn("SIGHUP: cannot reopen log file '" + file_destination->path() +
                    "', still writing to the old one: " + error.message());
        return true;
    }
    server_info("SIGHUP: log file '" + file_destination->path() + "' reopened");
    return true;
}

void server_info(std::string_view message)
{
    server_line(spdlog::level::info, message);
}

void server_warn(std::string_view message)
{
    server_line(spdlog::level::warn, message);
}

void server_error(std::string_view message)
{
    server_line(spdlog::level::err, message);
}

connection_log::connection_log(std::uint64_t id, std::string peer, std::uint16_t peer_port)
    : id_(id), peer_(std::move(peer)), peer_port_(peer_port)
{
}

void connection_log::write(level severity, std::string_view event, std::string_view message,
                           std::initializer_list<field> fields) const
{
    const auto spd = to_spdlog(severity);
    if (!spdlog::should_log(spd))
    {
        return;
    }
    if (active_format.load() == config::log_format::json)
    {
        emit(spd, event, json_line(spd, &id_, peer_, event, message, fields));
        return;
    }
    emit(spd, event, peer_ + " - - [" + python_date() + "] " + std::string(message));
}

void enable_traffic(bool on)
{
    traffic_on = on;
}

void traffic(char marker)
{
    if (traffic_on.load(std::memory_order_relaxed))
    {
        std::fputc(marker, stdout);
        std::fflush(stdout);
    }
}

std::string json_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size();)
    {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\')
        {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        }
        else if (c < 0x20)
        {
            std::array<char, 8> escaped{};
            std::snprintf(escaped.data(), escaped.size(), "\\u%04x", c);
            out += escaped.data();
            ++i;
        }
        else if (c < 0x80)
        {
            out += static_cast<char>(c);
            ++i;
        }
        else
        {
            // Copy a well-formed multi-byte sequence whole; anything else is replaced.
            const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (i + length <= text.size() && codec::is_valid_utf8(text.substr(i, length)))
            {
                out.append(text.substr(i, length));
                i += length;
            }
            else
            {
                out += "\xEF\xBF\xBD";
                ++i;
            }
        }
    }
    return out;
}

} // namespace websockify::log
