#include "websockify/server/server.hpp"

#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/server/serve_connection.hpp"
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
#include <type_traits>
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

std::string peer_address(const net::tcp::socket& socket)
{
    asio::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec)
    {
        return "unknown";
    }
    auto address = remote.address();
    // Dual-stack listeners see IPv4 clients as ::ffff:a.b.c.d; log them as users know them.
    if (address.is_v6() && address.to_v6().is_v4_mapped())
    {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address.to_string();
}

void log_unexpected(std::uint64_t id, const std::exception_ptr& failure)
{
    try
    {
        std::rethrow_exception(failure);
    }
    catch (const std::exception& e)
    {
        log::server_error("connection " + std::to_string(id) +
                          " ended by an internal error: " + e.what());
    }
    catch (...)
    {
        log::server_error("connection " + std::to_string(id) + " ended by an unknown error");
    }
}

net::awaitable<void> accept_loop(net::tcp::acceptor& acceptor, const shared_state& state)
{
    asio::steady_timer backoff(acceptor.get_executor());
    for (std::uint64_t id = 1;;)
    {
        auto [ec, socket] = co_await acceptor.async_accept(net::use_tuple);
        if (ec == asio::error::operation_aborted)
        {
            co_return;
        }
        if (ec)
        {
            // E.g. EMFILE: the sessions we have keep running; retry after a pause, don't spin.
            log::server_warn("accept failed: " + ec.message());
            backoff.expires_after(100ms);
            co_await backoff.async_wait(net::use_tuple);
            continue;
        }
        const auto this_id = id++;
        asio::error_code ignored;
        const auto remote_port = socket.remote_endpoint(ignored).port();
        log::connection_log log(this_id, peer_address(socket), remote_port);
        asio::co_spawn(acceptor.get_executor(),
                       serve_connection(std::move(socket), state, std::move(log)),
                       [this_id](const std::exception_ptr& e)
                       {
                           if (e)
                           {
                               log_unexpected(this_id, e);
                           }
                       });
    }
}

/// Python websockify's startup block, with the port actually bound (port 0 picks one).
void log_settings(const config::settings& settings, const net::tcp::acceptor& acceptor,
                  bool tls_enabled, const std::optional<web::options>& web_root)
{
    const auto local = acceptor.local_endpoint();
    config::endpoint listening{settings.listen.host, local.port()};
    log::server_info("WebSocket server settings:");
    log::server_info("  - Listen on " + config::to_string(listening));
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
    const auto target = settings.wrap.command.empty()
                            ? config::to_string(settings.target)
                            : "'" + wrap::command_text(settings.wrap.command) + "' (port " +
                                  std::to_string(settings.target.port) + ")";
    log::server_info("  - proxying from " + config::to_string(listening) + " to " + target);
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

net::awaitable<void> wait_for_stop_signal(asio::signal_set& signals)
{
    auto [ec, number] = co_await signals.async_wait(net::use_tuple);
    if (!ec)
    {
        log::server_info(std::string("Got signal ") + (number == SIGINT ? "SIGINT" : "SIGTERM") +
                         ", exiting");
    }
}

/// The server's tasks, raced: the first to end stops the others. Returns the exit status:
/// the wrapped program's in --wrap-mode=exit, else 0. The wrapped program is stopped before
/// this returns.
net::awaitable<int> serve_until_stopped(net::tcp::acceptor& acceptor, const shared_state& state,
                                        asio::signal_set& signals, asio::signal_set& hangup,
                                        wrap::supervisor* program)
{
    auto serving = accept_loop(acceptor, state) || wait_for_stop_signal(signals) ||
                   tls::watch_certificates(state.settings.tls, state.tls.get(), hangup,
                                           certificate_poll_interval);
    if (program == nullptr)
    {
        co_await std::move(serving);
        co_return 0;
    }
    // Asio flattens the operands: the supervisor's result is the last alternative.
    const auto ended = co_await (std::move(serving) || program->supervise());
    constexpr auto supervisor_ended = std::variant_size_v<std::decay_t<decltype(ended)>> - 1;
    const int status = ended.index() == supervisor_ended ? std::get<supervisor_ended>(ended) : 0;
    // New clients are refused rather than left in the backlog while the program stops.
    asio::error_code ignored;
    acceptor.close(ignored);
    co_await program->stop();
    co_return status;
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

} // namespace

int run(const config::settings& settings)
{
    // Writes to a vanished peer must fail with EPIPE, not kill the process.
    std::signal(SIGPIPE, SIG_IGN);

    asio::io_context io(1);
    // Taken before a wrapped program starts, so that a stop signal never leaves it orphaned.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    // SIGHUP reloads (it would otherwise terminate a daemon whose terminal went away).
    asio::signal_set hangup(io, SIGHUP);

    // Wrapping a program decides the target, and in the short form the listen port.
    config::settings effective = settings;
    const auto program = prepare_wrap(io.get_executor(), effective);

    const shared_state state{effective, load_tls(effective.tls), load_web(effective)};
    auto acceptor = net::open_listener(io.get_executor(), effective.listen, effective.prefer_ipv6);
    log_settings(effective, acceptor, state.tls != nullptr, state.web);
    if (program && !effective.wrap.port_from_program)
    {
        // The program binds the port websockify listens on (the one asked for, or the one the
        // kernel picked for port 0); rebind.so moves that bind to the loopback port.
        program->start(wrap::rebind_move{acceptor.local_endpoint().port(), effective.target.port});
    }

    int status = 0;
    asio::co_spawn(io, serve_until_stopped(acceptor, state, signals, hangup, program.get()),
                   [&io, &status](const std::exception_ptr& e, int result)
                   {
                       if (e)
                       {
                           log_unexpected(0, e);
                       }
                       status = result;
                       // Graceful draining of live sessions is issue #4; for now stop at once.
                       io.stop();
                   });
    io.run();
    return status;
}

} // namespace websockify::server
