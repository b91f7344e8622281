#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace websockify::app
{
namespace
{

constexpr int usage_error = 2;

/// Python websockify options whose feature has not landed yet. They are recognised so that
/// users get a clear message instead of "unknown option".
struct pending_option
{
    const char* flags;
    const char* help;
    bool takes_value;
};

constexpr std::array pending_options{
    pending_option{"--record", "record sessions to FILE.[session_number]", true},
    pending_option{"-D,--daemon", "become a daemon (background process)", false},
    pending_option{"--run-once", "handle a single WebSocket connection and exit", false},
    pending_option{"--timeout", "after TIMEOUT seconds exit when not connected", true},
    pending_option{"--idle-timeout", "exit after TIMEOUT seconds without active connections", true},
    pending_option{"--unix-listen", "listen on a unix socket FILE", true},
    pending_option{"--unix-listen-mode", "mode of the unix socket (octal, default 0600)", true},
    pending_option{"--unix-target", "connect to a unix socket target", true},
    pending_option{"--inetd", "inetd mode: fd 0 is the listening socket", false},
    pending_option{"--web-auth", "require authentication for the web server", false},
    pending_option{"--target-config",
                   "file or directory of 'token: host:port' lines "
                   "(deprecated: use --token-plugin TokenFile)",
                   true},
    pending_option{"--token-plugin", "token plugin, e.g. TokenFile, to map tokens to targets",
                   true},
    pending_option{"--token-source", "argument passed to the token plugin", true},
    pending_option{"--host-token", "take the token from the Host header", false},
    pending_option{"--auth-plugin", "authentication plugin, e.g. BasicHTTPAuth", true},
    pending_option{"--auth-source", "argument passed to the auth plugin", true},
    pending_option{"--heartbeat", "send a ping to the client every INTERVAL seconds", true},
    pending_option{"--log-file", "write logs to FILE", true},
    pending_option{"--syslog", "log to syslog SERVER (/dev/log or host:port)", true},
    pending_option{"--legacy-syslog", "use the old syslog format", false},
};

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

/// `[source_addr:]source_port target_addr:target_port`. False (after one line on stderr) for
/// anything else.
bool apply_addresses(config::settings& settings, const std::vector<std::string>& positionals)
{
    if (positionals.size() != 2)
    {
        fail(positionals.size() < 2 ? "expected [source_addr:]source_port target_addr:target_port"
                                    : "too many arguments; expected [source_addr:]source_port "
                                      "target_addr:target_port");
        return false;
    }
    try
    {
        settings.listen = config::parse_listen_address(positionals[0]);
        settings.target = config::parse_target_address(positionals[1]);
    }
    catch (const config::invalid_argument& e)
    {
        fail(e.what());
        return false;
    }
    return true;
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
                   "seconds a client has for its TLS handshake and request head (default 10)")
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

    std::vector<std::pair<std::string, CLI::Option*>> pending;
    std::vector<std::string> pending_values(pending_options.size());
    for (std::size_t i = 0; i < pending_options.size(); ++i)
    {
        const auto& spec = pending_options[i];
        auto* option = spec.takes_value ? cli.add_option(spec.flags, pending_values[i], spec.help)
                                        : cli.add_flag(spec.flags, spec.help);
        pending.emplace_back(option->get_name(), option);
    }
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

    for (const auto& [name, option] : pending)
    {
        if (option->count() > 0)
        {
            fail(name + " is not supported yet by this websockify version");
            return exit_with(usage_error);
        }
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

    const bool addresses_ok =
        wraps_program ? apply_wrap(settings, positionals, std::move(wrapped_command), wrap_mode)
                      : apply_addresses(settings, positionals);
    if (!addresses_ok)
    {
        return exit_with(usage_error);
    }
    settings.log = log_format == "json" ? config::log_format::json : config::log_format::human;
    settings.handshake_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(handshake_seconds * 1000));
    command_line result;
    result.settings = std::move(settings);
    return result;
}

} // namespace websockify::app
