#pragma once

#include "websockify/config/config.hpp"

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace websockify::log
{

/// A --log-file or --syslog destination that cannot be used. main() prints what() as one line
/// and exits with 1, as for other startup errors.
class destination_error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Sends log lines to stderr, and to the --log-file and --syslog `destinations`, in the chosen
/// format; debug lines only with --verbose. Throws destination_error.
void setup(config::log_format format, bool verbose,
           const config::log_destination& destinations = {});

/// SIGHUP: opens --log-file again (logrotate moved it away) and logs the outcome. False when
/// there is no log file.
bool reopen_files();

/// A server-wide line (startup block, shutdown), printed as is in human format.
void server_info(std::string_view message);
void server_warn(std::string_view message);
void server_error(std::string_view message);

/// One extra key/value on a structured event (JSON format only).
struct field
{
    std::string_view key;
    std::variant<std::string_view, std::int64_t, std::uint64_t> value;
};

/// Severity of a connection's event.
enum class level
{
    debug,
    info,
    warn
};

/// Log lines of one connection. Human format follows Python websockify
/// (`<ip> - - [date] message`); JSON carries the session id, peer, event name and fields.
class connection_log
{
public:
    connection_log(std::uint64_t id, std::string peer, std::uint16_t peer_port = 0);

    std::uint64_t id() const noexcept { return id_; }
    const std::string& peer() const noexcept { return peer_; }
    std::uint16_t peer_port() const noexcept { return peer_port_; }

    void write(level severity, std::string_view event, std::string_view message,
               std::initializer_list<field> fields = {}) const;
    void info(std::string_view event, std::string_view message,
              std::initializer_list<field> fields = {}) const
    {
        write(level::info, event, message, fields);
    }
    void debug(std::string_view event, std::string_view message,
               std::initializer_list<field> fields = {}) const
    {
        write(level::debug, event, message, fields);
    }
    void warn(std::string_view event, std::string_view message,
              std::initializer_list<field> fields = {}) const
    {
        write(level::warn, event, message, fields);
    }

private:
    std::uint64_t id_;
    std::string peer_;
    std::uint16_t peer_port_;
};

/// `--traffic`: Python's one-character markers on stdout (`{` target read, `<` client write,
/// `}` client read, `>` target write).
void traffic(char marker);
void enable_traffic(bool on);

/// Escapes text for a JSON string literal (RFC 8259 §7); bytes that are not valid UTF-8
/// become U+FFFD so a peer's bytes can never break the log line.
std::string json_escape(std::string_view text);

} // namespace websockify::log
