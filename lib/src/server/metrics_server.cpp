#include "websockify/server/metrics_server.hpp"

#include "websockify/http/response.hpp"
#include "websockify/log/log.hpp"
#include "websockify/net/graceful_close.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/net/read_request_head.hpp"
#include "websockify/server/metrics_routes.hpp"

#include <chrono>
#include <exception>
#include <string>
#include <string_view>

namespace websockify::server
{
namespace
{

using namespace std::chrono_literals;

/// After a failed accept (e.g. EMFILE): no busy loop.
constexpr auto accept_retry_pause = 100ms;

net::awaitable<void> answer_client(net::stream_socket socket, const metrics::registry& registry,
                                   const readiness& ready, const config::settings& settings)
{
    auto read =
        co_await net::read_request_head(socket, settings.max_head_size, settings.handshake_timeout);
    std::string response;
    if (read.status == net::head_read::outcome::complete)
    {
        const auto not_ready = ready.not_ready_reason();
        response = answer_metrics_request(read.head, registry, not_ready);
    }
    else if (read.status == net::head_read::outcome::too_large)
    {
        response = http::format_error_response(431, "request head too large");
    }
    else
    {
        net::close_now(socket);
        co_return;
    }
    co_await asio::async_write(socket, asio::buffer(response), net::use_tuple);
    co_await net::graceful_close(socket, settings.close_timeout);
}

void log_failure(std::string_view what, const std::exception_ptr& failure)
{
    if (!failure)
    {
        return;
    }
    try
    {
        std::rethrow_exception(failure);
    }
    catch (const std::exception& e)
    {
        log::server_error(std::string(what) + " by an internal error: " + e.what());
    }
    catch (...)
    {
        log::server_error(std::string(what) + " by an unknown error");
    }
}

net::awaitable<void> accept_clients(net::stream_acceptor& acceptor,
                                    const metrics::registry& registry, const readiness& ready,
                                    const config::settings& settings)
{
    asio::steady_timer backoff(acceptor.get_executor());
    for (;;)
    {
        auto [ec, socket] = co_await acceptor.async_accept(net::use_tuple);
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor)
        {
            co_return;
        }
        if (ec)
        {
            backoff.expires_after(accept_retry_pause);
            co_await backoff.async_wait(net::use_tuple);
            continue;
        }
        asio::co_spawn(
            acceptor.get_executor(), answer_client(std::move(socket), registry, ready, settings),
            [](const std::exception_ptr& e) { log_failure("metrics request ended", e); });
    }
}

} // namespace

net::stream_acceptor open_metrics_listener(const asio::any_io_executor& executor,
                                           const config::settings& settings)
{
    try
    {
        return net::open_listener(executor, *settings.metrics_listen, settings.prefer_ipv6);
    }
    catch (const net::startup_error& e)
    {
        throw net::startup_error(std::string("--metrics-listen: ") + e.what());
    }
}

void start_metrics_server(net::stream_acceptor& acceptor, const metrics::registry& registry,
                          const readiness& ready, const config::settings& settings)
{
    asio::co_spawn(acceptor.get_executor(), accept_clients(acceptor, registry, ready, settings),
                   [](const std::exception_ptr& e) { log_failure("metrics listener stopped", e); });
}

} // namespace websockify::server
