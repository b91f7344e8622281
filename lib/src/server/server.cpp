#include "websockify/server/server.hpp"

#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/net/endpoint_name.hpp"
#include "websockify/net/inherited_listener.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/net/unix_listener.hpp"
#include "websockify/process/daemon.hpp"
#include "websockify/process/pid_file.hpp"
#include "websockify/server/accept_loop.hpp"
#include "websockify/server/drain.hpp"
#include "websockify/server/session_tracker.hpp"
#include "websockify/server/stop_triggers.hpp"
#include "websockify/tls/certificate_watch.hpp"
#include "websockify/tls/server_context.hpp"
#include "websockify/wrap/find_rebind_library.hpp"
#include "websockify/wrap/free_loopback_port.hpp"
#include "websockify/wrap/program_target.hpp"
#include "websockify/wrap/supervisor.hpp"

#include <chrono>
#include <csignal>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <variant>

namespace websockify::server
{
namespace
{

using namespace std::chrono_literals;

/// How often certificate files are checked for changes.
constexpr auto certificate_poll_interval = 2s;
/// `websockify -- PROGRAM`: how long the program has to listen on its port.
constexpr std::chrono::milliseconds port_report_limit = 30s;

/// Python websockify's startup block, with the address actually bound (port 0 picks one).
void log_settings(const config::settings& settings, const net::stream_acceptor& acceptor,
                  bool tls_enabled, const std::optional<web::options>& web_root)
{
    const auto bound = net::name_listener(acceptor);
    const auto listening =
        bound.unix_path.empty()
            ? config::to_string(config::endpoint{settings.listen.host, bound.port})
            : "unix socket " + bound.unix_path;
    log::server_info("WebSocket server settings:");
    log::server_info("  - Listen on " + listening + (settings.inetd ? " (inetd)" : ""));
    if (web_root)
    {
        log::server_info("  - Web server. Web root: " + web_root->root.string());
    }
    if (tls_enabled)
    {
        log::server_info("  - SSL/TLS support");
        if (settings.tls.ssl_only)
        {
            log::server_info("  - Deny non-SSL/TLS connections");
        }
    }
    else
    {
        log::server_info("  - No SSL/TLS support (no cert file)");
    }
    // Python names the wrapped command and its loopback port instead of a target address.
    std::string target = config::to_string(settings.target);
    if (!settings.wrap.command.empty())
    {
        target = "'" + wrap::command_text(settings.wrap.command) + "' (port " +
                 std::to_string(settings.target.port) + ")";
    }
    else if (!settings.unix_target.empty())
    {
        target = "unix socket " + settings.unix_target;
    }
    log::server_info("  - proxying from " + listening + " to " + target);
}

/// Like Python websockify, TLS is on when the certificate file exists (default self.pem). An
/// explicit --cert or --ssl-only makes a missing or bad certificate a startup error.
std::unique_ptr<tls::context_holder> load_tls(const config::tls_options& options)
{
    std::error_code ec;
    const bool exists = std::filesystem::exists(options.cert, ec);
    if (!exists && !options.cert_given && !options.ssl_only)
    {
        return nullptr;
    }
    if (!exists && options.ssl_only)
    {
        throw net::startup_error("--ssl-only needs a certificate, but '" + options.cert +
                                 "' does not exist");
    }
    return std::make_unique<tls::context_holder>(tls::make_server_context(options));
}

/// --web DIR must name a directory; it is made canonical once so that every request's
/// containment check compares against the real path.
std::optional<web::options> load_web(const config::settings& settings)
{
    if (settings.web.empty())
    {
        return std::nullopt;
    }
    std::error_code ec;
    const auto root = std::filesystem::canonical(settings.web, ec);
    if (ec || !std::filesystem::is_directory(root, ec))
    {
        throw net::startup_error("--web directory '" + settings.web +
                                 "' does not exist or is not a directory");
    }
    web::options options;
    options.root = root;
    options.file_only = settings.file_only;
    return options;
}

/// The listening socket: fd 0 (--inetd), a unix socket (--unix-listen) or TCP.
net::stream_acceptor open_configured_listener(const asio::any_io_executor& executor,
                                              const config::settings& settings)
{
    if (settings.inetd)
    {
        return net::adopt_listener(executor, 0);
    }
    if (!settings.unix_listen.empty())
    {
        return net::open_unix_listener(executor, settings.unix_listen, settings.unix_listen_mode);
    }
    return net::open_listener(executor, settings.listen, settings.prefer_ipv6);
}

/// The server's parts that live as long as it serves.
struct server_parts
{
    net::stream_acceptor& acceptor;
    const shared_state& state;
    session_tracker& sessions;
    asio::signal_set& signals;
    asio::signal_set& hangup;
    wrap::supervisor* program;
};

void log_internal_failure(const std::exception_ptr& failure)
{
    try
    {
        std::rethrow_exception(failure);
    }
    catch (const std::exception& e)
    {
        log::server_error(std::string("server stopped by an internal error: ") + e.what());
    }
    catch (...)
    {
        log::server_error("server stopped by an unknown internal error");
    }
}

/// --wrap-mode=exit: the program's end stops the server with its status.
net::awaitable<stop_request> stop_when_program_exits(wrap::supervisor& program)
{
    const int status = co_await program.supervise();
    co_return stop_request{"wrapped program exited with status " + std::to_string(status), status};
}

/// Serves until the first reason to stop: a signal, --timeout, --idle-timeout, --run-once's
/// session, or the wrapped program's exit. Triggers that are off never fire.
net::awaitable<stop_request> serve_until_stop_request(server_parts& parts)
{
    const auto& settings = parts.state.settings;
    const auto& lifecycle = settings.lifecycle;
    // Named first: gcc 12 destroys `cond ? coroutine() : coroutine()` temporaries inside a
    // co_await expression twice.
    auto accepting = never_stop(accept_loop(parts.acceptor, parts.state));
    auto reloading = never_stop(tls::watch_certificates(settings.tls, parts.state.tls.get(),
                                                        parts.hangup, certificate_poll_interval));
    auto signalled = stop_on_signal(parts.signals);
    auto timed_out = lifecycle.timeout.count() > 0 ? stop_after(lifecycle.timeout) : never();
    auto idle = lifecycle.idle_timeout.count() > 0
                    ? stop_when_idle(parts.sessions, lifecycle.idle_timeout)
                    : never();
    auto ran_once =
        lifecycle.run_once ? stop_after_first_session(parts.sessions, parts.acceptor) : never();
    auto program_ended =
        parts.program != nullptr ? stop_when_program_exits(*parts.program) : never();
    auto ended = co_await (std::move(accepting) || std::move(reloading) || std::move(signalled) ||
                           std::move(timed_out) || std::move(idle) || std::move(ran_once) ||
                           std::move(program_ended));
    co_return std::visit([](stop_request& r) { return std::move(r); }, ended);
}

/// Serves, then stops gracefully: no new clients, live sessions drained, the wrapped program
/// ended. Returns the exit status.
net::awaitable<int> serve_then_stop(server_parts& parts)
{
    const auto request = co_await serve_until_stop_request(parts);
    log::server_info(request.reason);
    // New clients are refused rather than left in the backlog while we stop.
    asio::error_code ignored;
    parts.acceptor.close(ignored);
    const auto& settings = parts.state.settings;
    co_await drain_sessions(parts.sessions,
                            drain_limits{settings.lifecycle.shutdown_grace, settings.close_timeout},
                            parts.signals);
    if (parts.program != nullptr)
    {
        co_await parts.program->stop();
    }
    co_return request.exit_status.value_or(0);
}

/// `websockify [PORT] -- PROGRAM`: the supervisor, with `settings` changed to proxy to the
/// program's loopback port (and, in the short form, to listen on the port the program asked
/// for). Null when nothing is wrapped.
std::unique_ptr<wrap::supervisor> prepare_wrap(const asio::any_io_executor& executor,
                                               config::settings& settings)
{
    if (settings.wrap.command.empty())
    {
        return nullptr;
    }
    auto library =
        wrap::find_rebind_library(settings.wrap.rebind_library, wrap::executable_directory());
    auto program = std::make_unique<wrap::supervisor>(executor, settings.wrap, std::move(library));
    if (settings.wrap.port_from_program)
    {
        const auto ports = program->start_and_read_report(port_report_limit);
        settings.listen.port = ports.public_port;
        settings.target = wrap::program_target(ports.loopback_port);
        return program;
    }
    const auto loopback = wrap::free_loopback_port();
    if (!loopback)
    {
        throw net::startup_error("cannot find a free loopback port for the wrapped program: " +
                                 loopback.error().message());
    }
    settings.target = wrap::program_target(*loopback);
    return program;
}

/// Everything after the optional detach: listen, start the program, serve, stop.
int serve(config::settings effective, process::daemon_link* daemon)
{
    asio::io_context io(1);
    // Taken before a wrapped program starts, so that a stop signal never leaves it orphaned.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    // SIGHUP reloads (it would otherwise terminate a daemon whose terminal went away).
    asio::signal_set hangup(io, SIGHUP);

    // Wrapping a program decides the target, and in the short form the listen port.
    const auto program = prepare_wrap(io.get_executor(), effective);

    session_tracker sessions(io.get_executor());
    const shared_state state{effective, load_tls(effective.tls), load_web(effective), &sessions};
    auto acceptor = open_configured_listener(io.get_executor(), effective);
    std::optional<net::unix_socket_file> socket_file;
    if (!effective.unix_listen.empty())
    {
        socket_file.emplace(effective.unix_listen);
    }
    log_settings(effective, acceptor, state.tls != nullptr, state.web);
    if (program && !effective.wrap.port_from_program)
    {
        // The program binds the port websockify listens on (the one asked for, or the one the
        // kernel picked for port 0); rebind.so moves that bind to the loopback port.
        program->start(wrap::rebind_move{net::name_listener(acceptor).port, effective.target.port});
    }
    std::optional<process::pid_file> pid;
    if (!effective.lifecycle.pid_file.empty())
    {
        pid.emplace(effective.lifecycle.pid_file);
    }
    if (daemon != nullptr)
    {
        daemon->ready();
    }

    server_parts parts{acceptor, state, sessions, signals, hangup, program.get()};
    int status = 0;
    asio::co_spawn(io, serve_then_stop(parts),
                   [&io, &status](const std::exception_ptr& e, int result)
                   {
                       status = e ? 1 : result;
                       if (e)
                       {
                           log_internal_failure(e);
                       }
                       // Connections still open after the drain are cut here.
                       io.stop();
                   });
    io.run();
    return status;
}

} // namespace

int run(const config::settings& settings)
{
    // Writes to a vanished peer must fail with EPIPE, not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    if (!settings.lifecycle.daemon)
    {
        return serve(settings, nullptr);
    }
    config::settings effective = settings;
    config::make_paths_absolute(effective); // the daemon works from /
    auto daemon = process::detach();
    try
    {
        return serve(std::move(effective), &daemon);
    }
    catch (const std::exception& e)
    {
        // stderr is /dev/null now: the launching process prints the reason.
        daemon.failed(e.what());
        throw;
    }
}

} // namespace websockify::server
