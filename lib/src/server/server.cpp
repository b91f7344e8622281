#include "websockify/server/server.hpp"

#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/server/serve_connection.hpp"
#include "websockify/tls/certificate_watch.hpp"
#include "websockify/tls/server_context.hpp"

#include <chrono>
#include <csignal>
#include <exception>
#include <filesystem>

namespace websockify::server
{
namespace
{

using namespace std::chrono_literals;

/// How often certificate files are checked for changes.
constexpr auto certificate_poll_interval = 2s;

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
        log::connection_log log(this_id, peer_address(socket));
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
    log::server_info("  - proxying from " + config::to_string(listening) + " to " +
                     config::to_string(settings.target));
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

} // namespace

int run(const config::settings& settings)
{
    // Writes to a vanished peer must fail with EPIPE, not kill the process.
    std::signal(SIGPIPE, SIG_IGN);

    const shared_state state{settings, load_tls(settings.tls), load_web(settings)};
    asio::io_context io(1);
    auto acceptor = net::open_listener(io.get_executor(), settings.listen, settings.prefer_ipv6);
    log_settings(settings, acceptor, state.tls != nullptr, state.web);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    // SIGHUP reloads (it would otherwise terminate a daemon whose terminal went away).
    asio::signal_set hangup(io, SIGHUP);
    asio::co_spawn(io,
                   accept_loop(acceptor, state) || wait_for_stop_signal(signals) ||
                       tls::watch_certificates(settings.tls, state.tls.get(), hangup,
                                               certificate_poll_interval),
                   [&io](const std::exception_ptr& e, const auto&)
                   {
                       if (e)
                       {
                           log_unexpected(0, e);
                       }
                       // Graceful draining of live sessions is issue #4; for now stop at once.
                       io.stop();
                   });
    io.run();
    return 0;
}

} // namespace websockify::server
