#include "cli.hpp"

#include "websockify/process/privileges.hpp"
#include "websockify/process/systemd.hpp"
#include "websockify/proxy/trusted_proxies.hpp"
#include "websockify/record/record_name.hpp"
#include "websockify/token/allow_list.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace websockify::app
{
namespace
{

constexpr int usage_error = 2;
/// More connections than any machine carries: a bound that also catches "-1" read as 2^64-1.
constexpr std::size_t max_connection_count = 10'000'000;
/// --threads beyond this is a typo, not a machine.
constexpr std::size_t max_thread_count = 1024;

void fail(const std::string& message)
{
    std::cerr << "websockify: " << message << '\n';
}

command_line exit_with(int code)
{
    command_line result;
    result.exit_code = code;
    return result;
}

/// --key-password-file, else WEBSOCKIFY_KEY_PASSWORD, else --key-password: the first two keep
/// the secret out of `ps`. False (after one line on stderr) when the file cannot be read.
bool read_key_password(config::tls_options& tls, const std::string& file)
{
    if (!file.empty())
    {
        std::ifstream in(file);
        if (!in || !std::getline(in, tls.key_password))
        {
            fail("cannot read the key password from '" + file + "'");
            return false;
        }
        return true;
    }
    if (const char* from_env = std::getenv("WEBSOCKIFY_KEY_PASSWORD");
        from_env != nullptr && tls.key_password.empty())
    {
        tls.key_password = from_env;
    }
    return true;
}

/// --wrap-mode's value, already checked by CLI11 to be exit, ignore or respawn.
config::wrap_mode parse_wrap_mode(const std::string& mode)
{
    if (mode == "ignore")
    {
        return config::wrap_mode::ignore;
    }
    return mode == "respawn" ? config::wrap_mode::respawn : config::wrap_mode::exit;
}

/// `[source_addr:]source_port -- PROGRAM ARGS`, or `-- PROGRAM ARGS` alone (the program's own
/// port is listened on). False (after one line on stderr) for anything else.
bool apply_wrap(config::settings& settings, const std::vector<std::string>& positionals,
                std::vector<std::string> command, const std::string& mode)
{
    if (command.empty())
    {
        fail("expected a program to wrap after --");
        return false;
    }
    if (positionals.size() > 1)
    {
        fail("with -- PROGRAM ARGS, give only [source_addr:]source_port before --, no target");
        return false;
    }
    try
    {
        if (positionals.empty())
        {
            settings.wrap.port_from_program = true;
        }
        else
        {
            settings.listen = config::parse_listen_address(positionals.front());
        }
    }
    catch (const config::invalid_argument& e)
    {
        fail(e.what());
        return false;
    }
    settings.wrap.command = std::move(command);
    settings.wrap.mode = parse_wrap_mode(mode);
    return true;
}

/// `[source_addr:]source_port target_addr:target_port`, where --inetd or --unix-listen replace
/// the first and --unix-target the second. False (after one line on stderr) for anything else.
bool apply_addresses(config::settings& settings, std::vector<std::string> positionals)
{
    const bool activated = settings.activated_listen_fd >= 0;
    const bool listen_elsewhere = settings.inetd || !settings.unix_listen.empty() || activated;
    const bool target_elsewhere = !settings.unix_target.empty() || !settings.tokens.plugin.empty();
    std::string expected;
    if (!listen_elsewhere)
    {
        expected = "[source_addr:]source_port";
    }
    if (!target_elsewhere)
    {
        expected += (expected.empty() ? "" : " ") + std::string("target_addr:target_port");
    }
    const std::size_t wanted =
        std::size_t{listen_elsewhere ? 0U : 1U} + std::size_t{target_elsewhere ? 0U : 1U};
    if (activated && positionals.size() == wanted + 1)
    {
        // A unit written for a plain start keeps its listen port; systemd's socket (the same
        // port, if the .socket file says so) is used instead, and the log names it.
        positionals.erase(positionals.begin());
    }
    if (positionals.size() != wanted)
    {
        if (wanted == 0)
        {
            fail("unexpected argument '" + positionals.front() + "'");
        }
        else
        {
            fail((positionals.size() < wanted ? "expected " : "too many arguments; expected ") +
                 expected);
        }
        return false;
    }
    try
    {
        std::size_t next = 0;
        if (!listen_elsewhere)
        {
            settings.listen = config::parse_listen_address(positionals[next++]);
        }
        if (!target_elsewhere)
        {
            settings.target = config::parse_target_address(positionals[next]);
        }
    }
    catch (const config::invalid_argument& e)
    {
        fail(e.what());
        return false;
    }
    return true;
}

/// Systemd socket activation: the sockets systemd passed become the public listener and, when
/// one is named "metrics", the metrics listener. Empty, or why they cannot be used.
std::string adopt_systemd_sockets(config::settings& settings, bool metrics_listen_given,
                                  bool short_wrap_form)
{
    const auto passed = process::take_systemd_sockets();
    if (passed.empty())
    {
        return {};
    }
    for (const auto& socket : passed)
    {
        int& slot =
            socket.name == "metrics" ? settings.activated_metrics_fd : settings.activated_listen_fd;
        if (slot >= 0)
        {
            return "systemd passed more than one " +
                   std::string(socket.name == "metrics" ? "socket named 'metrics'"
                                                        : "listening socket") +
                   " (LISTEN_FDS=" + std::to_string(passed.size()) +
                   "); websockify serves one, plus one named 'metrics' for --metrics-listen";
        }
        slot = socket.fd;
    }
    if (settings.activated_listen_fd < 0)
    {
        return "systemd passed only the socket named 'metrics'; the public socket is missing";
    }
    if (settings.inetd || !settings.unix_listen.empty())
    {
        return "--inetd and --unix-listen name the listening socket, but systemd passed one "
               "(socket activation); drop them";
    }
    if (metrics_listen_given && settings.activated_metrics_fd >= 0)
    {
        return "--metrics-listen and systemd's socket named 'metrics' both give the metrics "
               "listener; give one";
    }
    if (short_wrap_form)
    {
        return "with systemd socket activation, give the listen port before -- PROGRAM (the "
               "short form lets the program choose the port, but systemd has bound it already)";
    }
    return {};
}

/// Options that cannot work together; the reason, or empty.
std::string conflicting_options(const config::settings& settings, bool wraps_program)
{
    if (settings.inetd && !settings.unix_listen.empty())
    {
        return "--inetd and --unix-listen both name the listening socket; give one";
    }
    if (settings.inetd && settings.lifecycle.daemon)
    {
        return "--inetd cannot be combined with --daemon (inetd manages the process)";
    }
    if (settings.target_tls.enabled && !settings.unix_target.empty())
    {
        return "--ssl-target cannot be combined with --unix-target";
    }
    const auto& tokens = settings.tokens;
    if (tokens.plugin.empty() && (!tokens.source.empty() || tokens.from_host))
    {
        return "--token-source and --host-token need --token-plugin";
    }
    if (tokens.plugin.empty() && (!tokens.allow_targets.empty() || tokens.cache_ttl.count() > 0))
    {
        return "--allow-target and --token-cache-ttl need --token-plugin (the command line's "
               "own target is always allowed)";
    }
    if (!tokens.plugin.empty() && !settings.unix_target.empty())
    {
        return "--token-plugin and --unix-target both choose the target; give one";
    }
    const auto& auth = settings.auth;
    if (auth.plugin.empty() && !auth.source.empty())
    {
        return "--auth-source needs --auth-plugin";
    }
    if (auth.web && (auth.plugin.empty() || settings.web.empty()))
    {
        return "--web-auth needs --auth-plugin and --web";
    }
    if (auth.plugin.ends_with("ClientCertCNAuth") && !settings.tls.verify_client)
    {
        return "ClientCertCNAuth needs --verify-client: the common name is only taken from a "
               "verified client certificate";
    }
    if (wraps_program && (settings.inetd || !settings.unix_listen.empty() ||
                          !settings.unix_target.empty() || !tokens.plugin.empty()))
    {
        return "wrapping a program (-- PROGRAM) needs a TCP listen port and target: drop "
               "--inetd, --unix-listen, --unix-target and --token-plugin";
    }
    return {};
}

/// --record's file name (prefix or pattern) and its bounds, checked before anything starts.
std::string record_problem(const config::settings& settings)
{
    const auto& limits = settings.record_limits;
    if (settings.record.empty())
    {
        return limits.max_size != 0 || limits.rotate
                   ? "--record-max-size and --record-rotate need --record"
                   : "";
    }
    if (const auto problem = record::pattern_problem(settings.record))
    {
        return "--record '" + settings.record + "': " + *problem;
    }
    if (limits.rotate && limits.max_size == 0)
    {
        return "--record-rotate needs --record-max-size (the size at which a file is full)";
    }
    return {};
}

/// --user/--group must name real accounts; a wrapped program never runs as root by accident.
std::string privilege_problem(const config::settings& settings)
{
    try
    {
        (void)process::resolve_run_as(settings.lifecycle.user, settings.lifecycle.group);
    }
    catch (const config::invalid_argument& e)
    {
        return e.what();
    }
    const auto& wrap = settings.wrap;
    if (wrap.command.empty())
    {
        return {};
    }
    if (!settings.lifecycle.user.empty() && wrap.port_from_program)
    {
        return "--user needs the listen port before -- (the short form starts the program "
               "before websockify can bind its port)";
    }
    if (::geteuid() == 0 && settings.lifecycle.user.empty() && !wrap.as_root)
    {
        return "refusing to run '" + wrap.command.front() +
               "' as root: give --user USER to run it (and websockify) as USER, or "
               "--wrap-as-root if it must be root (e.g. in.telnetd, which runs login)";
    }
    return {};
}

/// --allow-target rules are checked here so that a typo stops startup with exit 2.
bool check_allow_targets(const std::vector<std::string>& rules)
{
    try
    {
        (void)token::target_allow_list::parse(rules);
        return true;
    }
    catch (const std::invalid_argument& e)
    {
        fail(e.what());
        return false;
    }
}

/// --trusted-proxy ranges are checked here so that a typo stops startup with exit 2.
bool check_trusted_proxies(const std::vector<std::string>& ranges)
{
    try
    {
        (void)proxy::trusted_proxies::parse(ranges);
        return true;
    }
    catch (const std::invalid_argument& e)
    {
        fail(e.what());
        return false;
    }
}

/// --syslog host:port must parse (a path is only checked when used); --legacy-syslog without
/// --syslog is ignored, as in Python websockify, but said so.
bool check_log_destination(const config::log_destination& log_to)
{
    if (!log_to.syslog.empty() && !config::is_syslog_path(log_to.syslog))
    {
        try
        {
            (void)config::parse_target_address(log_to.syslog);
        }
        catch (const config::invalid_argument& e)
        {
            fail("--syslog " + log_to.syslog + ": " + e.what());
            return false;
        }
    }
    if (log_to.legacy_syslog && log_to.syslog.empty())
    {
        std::cerr << "websockify: --legacy-syslog has no effect without --syslog\n";
    }
    return true;
}

/// --metrics-listen [ADDR:]PORT, in the listen address's syntax; a bad one is a usage error.
bool parse_metrics_listen(const std::string& text, config::settings& settings)
{
    try
    {
        settings.metrics_listen = config::parse_listen_address(text);
        return true;
    }
    catch (const config::invalid_argument& e)
    {
        fail("--metrics-listen " + text + ": " + e.what());
        return false;
    }
}

/// --unix-listen-mode: octal like chmod's (e.g. 600, 0660).
bool parse_file_mode(const std::string& text, std::uint32_t& mode)
{
    if (text.empty() || text.size() > 4 || text.find_first_not_of("01234567") != std::string::npos)
    {
        fail("--unix-listen-mode '" + text + "' is not an octal file mode such as 0600");
        return false;
    }
    mode = static_cast<std::uint32_t>(std::stoul(text, nullptr, 8));
    return true;
}

std::chrono::milliseconds from_seconds(double seconds)
{
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

/// One line per CLI11 message: its errors may contain newlines.
std::string first_line(std::string text)
{
    text.erase(std::find(text.begin(), text.end(), '\n'), text.end());
    return text;
}

} // namespace

command_line parse_command_line(int argc, char** argv)
{
    // Everything after the first "--" is a program to wrap (Python's form); split it off
    // before CLI11, which would otherwise mix it with the addresses.
    std::vector<std::string> args(argv + 1, argv + argc);
    const auto separator = std::find(args.begin(), args.end(), "--");
    const bool wraps_program = separator != args.end();
    std::vector<std::string> wrapped_command;
    if (wraps_program)
    {
        wrapped_command.assign(separator + 1, args.end());
    }
    args.erase(separator, args.end());

    CLI::App cli{"WebSocket to TCP proxy (drop-in for Python websockify)\n\n"
                 "Usage:\n"
                 "  websockify [options] [source_addr:]source_port target_addr:target_port\n"
                 "  websockify [options] [source_addr:]source_port --unix-target=FILE\n"
                 "  websockify [options] [source_addr:]source_port --token-plugin=NAME "
                 "--token-source=ARG\n"
                 "  websockify [options] --unix-listen=FILE target_addr:target_port\n"
                 "  websockify [options] --inetd target_addr:target_port\n"
                 "  websockify [options] [source_addr:]source_port -- WRAP_COMMAND_LINE\n"
                 "  websockify [options] -- WRAP_COMMAND_LINE   (listen on the port the "
                 "program binds)",
                 "websockify"};
    cli.set_version_flag("--version", std::string("websockify ") + WEBSOCKIFY_VERSION);

    config::settings settings;
    std::vector<std::string> positionals;
    std::string log_format = "human";
    bool libserver = false;

    cli.add_flag("-v,--verbose", settings.verbose, "verbose messages");
    cli.add_flag("--traffic", settings.traffic, "per frame traffic");
    cli.add_flag("-6,--prefer-ipv6", settings.prefer_ipv6,
                 "prefer IPv6 when resolving source_addr");
    cli.add_option("--log-format", log_format, "log line format: human (Python's) or json")
        ->check(CLI::IsMember({"human", "json"}));
    cli.add_option("--max-message-size", settings.max_message_size,
                   "largest WebSocket message accepted from a client, in bytes (0: no limit)");
    cli.add_flag("--compress", settings.compression.enabled,
                 "permessage-deflate (RFC 7692) with clients that offer it");
    cli.add_option("--compress-level", settings.compression.level,
                   "with --compress: zlib level, 1 (fastest) to 9 (smallest), default 1")
        ->check(CLI::Range(1, 9));
    cli.add_option("--compress-max-window-bits", settings.compression.max_window_bits,
                   "with --compress: largest LZ77 window, 9 to 15 (default 15); smaller "
                   "windows use less memory per session")
        ->check(CLI::Range(9, 15));
    cli.add_flag("--libserver", libserver, "accepted for compatibility and ignored");

    auto& tls = settings.tls;
    std::string key_password_file;
    cli.add_option("--cert", tls.cert, "SSL certificate file (may hold the key too)")
        ->default_str("self.pem");
    cli.add_option("--key", tls.key, "SSL key file (if separate from cert)");
    cli.add_option("--key-password", tls.key_password,
                   "SSL key password (visible in ps: prefer --key-password-file or the "
                   "WEBSOCKIFY_KEY_PASSWORD environment variable)");
    cli.add_option("--key-password-file", key_password_file,
                   "read the SSL key password from the first line of FILE");
    cli.add_flag("--ssl-only", tls.ssl_only, "disallow non-encrypted client connections");
    cli.add_option("--ssl-version", tls.ssl_version,
                   "minimum TLS version: default (TLS 1.2), tlsv1_1, tlsv1_2, tlsv1_3")
        ->check(CLI::IsMember({"default", "tlsv1_1", "tlsv1_2", "tlsv1_3"}));
    cli.add_option("--ssl-ciphers", tls.ciphers,
                   "OpenSSL list of ciphers allowed for connections (see `openssl ciphers`)");
    cli.add_flag("--verify-client", tls.verify_client,
                 "require encrypted clients to present a valid certificate");
    cli.add_option("--cafile", tls.cafile,
                   "CA certificates for validating clients (with --verify-client); default: "
                   "the system's");

    cli.add_option("--web", settings.web,
                   "run a web server on the same port, serving files from DIR");
    cli.add_flag("--file-only", settings.file_only,
                 "serve only files from --web (no directory listings)");
    cli.add_flag("--hixie", settings.hixie,
                 "also accept the 2010 Hixie-75/76 WebSocket drafts (unmasked, base64 frames)");
    cli.add_flag("--ssl-target", settings.target_tls.enabled, "connect to the target with TLS");
    cli.add_option("--ssl-target-cafile", settings.target_tls.cafile,
                   "CA certificates for checking the --ssl-target certificate (default: the "
                   "system's)");
    cli.add_flag("--ssl-target-no-verify{false}", settings.target_tls.verify,
                 "do not check the --ssl-target certificate (as Python websockify did)");
    double handshake_seconds = 10;
    cli.add_option("--handshake-timeout", handshake_seconds,
                   "seconds a client has from connecting until its request head is complete, TLS "
                   "handshake included (default 10)")
        ->check(CLI::PositiveNumber);
    cli.add_option("--max-connections", settings.max_connections,
                   "open connections at most; more are refused with 503 (default: what the "
                   "file descriptor limit allows)")
        ->check(CLI::Range(std::size_t{0}, max_connection_count));
    cli.add_option("--max-connections-per-ip", settings.max_connections_per_ip,
                   "open connections from one client address at most (default 0: no limit)")
        ->check(CLI::Range(std::size_t{0}, max_connection_count));
    cli.add_option("--threads", settings.threads,
                   "threads that serve sessions, each session staying on one (default 0: one "
                   "per CPU core websockify may use)")
        ->check(CLI::Range(std::size_t{0}, max_thread_count));
    cli.add_option("--max-head-size", settings.max_head_size,
                   "largest HTTP request head in bytes; larger ones get 431 (default 16384)")
        ->check(CLI::Range(std::size_t{256}, std::size_t{1} << 20U));
    cli.add_option("--buffer-size", settings.buffer_size,
                   "bytes read at a time from either side of a session (default 65536)")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{16} << 20U));
    double connect_seconds = 10;
    cli.add_option("--connect-timeout", connect_seconds,
                   "seconds to connect to each target address (default 10)")
        ->check(CLI::PositiveNumber);

    std::string wrap_mode = "exit";
    cli.add_option("--wrap-mode", wrap_mode,
                   "what to do when the wrapped program exits or daemonizes: exit (websockify "
                   "exits with its status), ignore, respawn (restart it, with backoff)")
        ->check(CLI::IsMember({"exit", "ignore", "respawn"}))
        ->default_str("exit");
    cli.add_option("--rebind-library", settings.wrap.rebind_library,
                   "rebind.so to preload into the wrapped program (default: next to the "
                   "websockify binary, then ../lib/websockify/)");

    auto& lifecycle = settings.lifecycle;
    double timeout_seconds = 0;
    double idle_timeout_seconds = 0;
    double shutdown_grace_seconds = 5;
    std::string unix_listen_mode = "0600";
    cli.add_flag("-D,--daemon", lifecycle.daemon,
                 "become a daemon (background process) once listening");
    cli.add_option("--pid-file", lifecycle.pid_file,
                   "write the process id to FILE while serving (removed at exit)");
    cli.add_flag("--run-once", lifecycle.run_once, "handle a single WebSocket connection and exit");
    cli.add_option("--timeout", timeout_seconds, "exit TIMEOUT seconds after start (0: never)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--idle-timeout", idle_timeout_seconds,
                   "exit after TIMEOUT seconds without any connection (0: never)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--shutdown-grace", shutdown_grace_seconds,
                   "on SIGTERM/SIGINT, seconds live sessions may go on before they are closed "
                   "with 1001 Going Away (default 5; a second signal exits at once)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--user", lifecycle.user,
                   "once the port is bound and certificates read, run as this user (name or "
                   "uid); a wrapped program runs as this user too");
    cli.add_option("--group", lifecycle.group,
                   "with --user: run as this group (default: the user's primary group)");
    cli.add_flag("--wrap-as-root", settings.wrap.as_root,
                 "started as root without --user, let the wrapped program run as root");
    cli.add_option("--unix-listen", settings.unix_listen,
                   "listen on the unix socket FILE instead of a TCP port");
    cli.add_option("--unix-listen-mode", unix_listen_mode,
                   "file mode of the --unix-listen socket, octal (default 0600)");
    cli.add_option("--unix-target", settings.unix_target,
                   "connect to the unix socket FILE instead of target_addr:target_port");
    cli.add_flag("--inetd", settings.inetd,
                 "inetd mode: file descriptor 0 is the listening socket (no source_port)");

    auto& tokens = settings.tokens;
    std::string target_config;
    double lookup_timeout_seconds = 5;
    cli.add_option("--token-plugin", tokens.plugin,
                   "map a token in each request to its target: TokenFile, ReadOnlyTokenFile, "
                   "TokenFileName, BaseTokenAPI, JSONTokenApi, JWTTokenApi, TokenRedis, "
                   "UnixDomainSocketDirectory");
    cli.add_option("--token-source", tokens.source, "argument of the token plugin");
    cli.add_option("--target-config", target_config,
                   "token file or directory (deprecated: --token-plugin TokenFile "
                   "--token-source FILE)");
    cli.add_flag("--host-token", tokens.from_host,
                 "take the token from the Host header instead of ?token=");
    cli.add_option("--token-lookup-timeout", lookup_timeout_seconds,
                   "seconds a token store (HTTP API, Redis) may take to answer (default 5)")
        ->check(CLI::PositiveNumber);
    double token_cache_seconds = 0;
    cli.add_option("--token-cache-ttl", token_cache_seconds,
                   "seconds a token's target is reused without asking the store again "
                   "(default 0: ask every time)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--allow-target", tokens.allow_targets,
                   "targets a token may lead to (repeatable): 10.0.0.0/8:5900-5999, "
                   "[fd00::]/8, vnc1.lan:5901, *:5900, unix:/run/vnc; default: any")
        ->allow_extra_args(false);
    cli.add_option("--auth-plugin", settings.auth.plugin,
                   "authenticate clients: BasicHTTPAuth, ExpectOrigin, ClientCertCNAuth");
    cli.add_option("--auth-source", settings.auth.source, "argument of the auth plugin");
    cli.add_flag("--web-auth", settings.auth.web,
                 "also authenticate web requests (needs --auth-plugin and --web)");

    cli.add_option("--record", settings.record,
                   "record each WebSocket session to FILE.<connection number>, in the format "
                   "of noVNC's playback page; with placeholders ({n} connection number, "
                   "{token}, {client} address, {time} UTC) FILE names each file itself and an "
                   "existing file is never overwritten");
    cli.add_option("--record-max-size", settings.record_limits.max_size,
                   "end a recording file at this size (e.g. 100M; K, M, G are powers of 1024)")
        ->transform(CLI::AsSizeValue(false))
        ->check(
            CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 50U).description("at least 1K"));
    cli.add_flag("--record-rotate", settings.record_limits.rotate,
                 "with --record-max-size: continue a full recording in FILE.part2, FILE.part3, "
                 "... instead of ending it");
    double heartbeat_seconds = 0;
    double session_idle_seconds = 0;
    cli.add_option("--heartbeat", heartbeat_seconds,
                   "send a ping to the client every INTERVAL seconds (0: never)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--heartbeat-misses", settings.heartbeat_misses,
                   "with --heartbeat: close a client silent for this many intervals (default 3)")
        ->check(CLI::Range(1U, 1000U));
    cli.add_option("--session-idle-timeout", session_idle_seconds,
                   "close a session with no data either way for SECONDS (0: never)")
        ->check(CLI::NonNegativeNumber);

    auto& log_to = settings.log_to;
    cli.add_option("--log-file", log_to.file,
                   "also write log lines to FILE (appended; reopened on SIGHUP, for logrotate)");
    cli.add_option("--syslog", log_to.syslog,
                   "also send log lines to syslog SERVER: a unix datagram socket such as "
                   "/dev/log, or UDP host:port (RFC 5424)");
    cli.add_flag("--legacy-syslog", log_to.legacy_syslog,
                 "with --syslog: the older RFC 3164 format instead of RFC 5424");
    std::string metrics_listen;
    cli.add_option("--metrics-listen", metrics_listen,
                   "serve Prometheus /metrics, /healthz and /readyz over plain HTTP on "
                   "[ADDR:]PORT, a port apart from the public one (e.g. 127.0.0.1:9100)");
    cli.add_flag("--proxy-protocol", settings.proxy_protocol,
                 "every connection on the public port opens with a PROXY protocol header (v1 "
                 "or v2, as HAProxy sends it), whose client address is used for logs and "
                 "limits; connections without one are closed");
    cli.add_option("--trusted-proxy", settings.trusted_proxies,
                   "a proxy (address or CIDR range, repeatable: 127.0.0.1/32, 10.0.0.0/8, "
                   "::1/128) whose Forwarded or X-Forwarded-For header names the client")
        ->allow_extra_args(false);
    cli.add_option("addresses", positionals,
                   "[source_addr:]source_port and target_addr:target_port");

    try
    {
        std::reverse(args.begin(), args.end()); // CLI11 takes a reversed vector
        cli.parse(args);
    }
    catch (const CLI::CallForHelp&)
    {
        std::cout << cli.help();
        return {};
    }
    catch (const CLI::CallForVersion&)
    {
        std::cout << cli.version() << '\n';
        return {};
    }
    catch (const CLI::ParseError& e)
    {
        fail(first_line(e.what()) + " (see --help)");
        return exit_with(usage_error);
    }

    if (!check_log_destination(log_to))
    {
        return exit_with(usage_error);
    }
    tls.cert_given = cli.count("--cert") > 0;
    if (!read_key_password(tls, key_password_file))
    {
        return exit_with(usage_error);
    }
    if (libserver)
    {
        std::cerr << "websockify: --libserver is ignored (there is only one server engine)\n";
    }

    if (!target_config.empty())
    {
        if (!tokens.plugin.empty())
        {
            fail("--target-config is --token-plugin TokenFile; give only one of them");
            return exit_with(usage_error);
        }
        tokens.plugin = "TokenFile";
        tokens.source = target_config;
    }
    tokens.lookup_timeout = from_seconds(lookup_timeout_seconds);
    tokens.cache_ttl = from_seconds(token_cache_seconds);
    if (!check_allow_targets(tokens.allow_targets))
    {
        return exit_with(usage_error);
    }
    if (!check_trusted_proxies(settings.trusted_proxies))
    {
        return exit_with(usage_error);
    }
    settings.heartbeat = from_seconds(heartbeat_seconds);
    settings.session_idle_timeout = from_seconds(session_idle_seconds);
    if (!parse_file_mode(unix_listen_mode, settings.unix_listen_mode))
    {
        return exit_with(usage_error);
    }
    if (cli.count("--metrics-listen") > 0 && !parse_metrics_listen(metrics_listen, settings))
    {
        return exit_with(usage_error);
    }
    if (const auto problem = adopt_systemd_sockets(settings, cli.count("--metrics-listen") > 0,
                                                   wraps_program && positionals.empty());
        !problem.empty())
    {
        fail(problem);
        return exit_with(usage_error);
    }
    if (const auto conflict = conflicting_options(settings, wraps_program); !conflict.empty())
    {
        fail(conflict);
        return exit_with(usage_error);
    }
    lifecycle.timeout = from_seconds(timeout_seconds);
    lifecycle.idle_timeout = from_seconds(idle_timeout_seconds);
    lifecycle.shutdown_grace = from_seconds(shutdown_grace_seconds);

    const bool addresses_ok =
        wraps_program ? apply_wrap(settings, positionals, std::move(wrapped_command), wrap_mode)
                      : apply_addresses(settings, positionals);
    if (!addresses_ok)
    {
        return exit_with(usage_error);
    }
    if (const auto problem = record_problem(settings); !problem.empty())
    {
        fail(problem);
        return exit_with(usage_error);
    }
    if (const auto problem = privilege_problem(settings); !problem.empty())
    {
        fail(problem);
        return exit_with(usage_error);
    }
    settings.log = log_format == "json" ? config::log_format::json : config::log_format::human;
    settings.handshake_timeout = from_seconds(handshake_seconds);
    settings.connect_timeout = from_seconds(connect_seconds);
    command_line result;
    result.settings = std::move(settings);
    return result;
}

} // namespace websockify::app
