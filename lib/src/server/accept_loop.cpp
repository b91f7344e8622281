#include "websockify/server/accept_loop.hpp"

#include "websockify/http/response.hpp"
#include "websockify/log/log.hpp"
#include "websockify/net/endpoint_name.hpp"
#include "websockify/net/graceful_close.hpp"
#include "websockify/net/with_timeout.hpp"
#include "websockify/server/client_address.hpp"
#include "websockify/server/connection_lifetime.hpp"
#include "websockify/server/serve_connection.hpp"

#include <chrono>
#include <exception>
#include <string>

namespace websockify::server
{
namespace
{

using namespace std::chrono_literals;

/// After a failed accept (e.g. EMFILE), the pause before the next try: no busy loop, and the
/// sessions we have keep running.
constexpr auto accept_retry_pause = 100ms;

/// Over a limit: a 503 the client can read (an HTTP client; a TLS client just sees the
/// connection end), without reading its request.
net::awaitable<void> refuse_connection(net::stream_socket socket,
                                       std::chrono::steady_clock::duration linger)
{
    const auto response =
        http::format_error_response(503, "too many connections, try again", {{"Retry-After", "1"}});
    co_await net::with_timeout(asio::async_write(socket, asio::buffer(response), net::use_tuple),
                               linger);
    co_await net::graceful_close(socket, linger);
}

/// Accept failures (EMFILE when descriptors run out) are logged when they start and when
/// they end, not every 100 ms in between; the sessions already open keep running.
class accept_trouble
{
public:
    void failed(const std::error_code& ec, const connection_limits& limits)
    {
        if (!failing_)
        {
            log::server_warn("accept failed: " + ec.message() + "; retrying every " +
                             std::to_string(accept_retry_pause.count()) + " ms while " +
                             std::to_string(limits.open()) + " connections continue");
        }
        failing_ = true;
        ++failures_;
    }

    void recovered(const connection_limits& limits)
    {
        if (failing_)
        {
            log::server_info("accepting again after " + std::to_string(failures_) +
                             " failed attempts (" + std::to_string(limits.open()) +
                             " connections open)");
        }
        failing_ = false;
        failures_ = 0;
    }

private:
    bool failing_ = false;
    std::uint64_t failures_ = 0;
};

} // namespace

net::awaitable<void> accept_loop(net::stream_acceptor& acceptor, const shared_state& state,
                                 session_threads& threads)
{
    asio::steady_timer backoff(acceptor.get_executor());
    accept_trouble trouble;
    for (std::uint64_t id = 1;;)
    {
        // The socket belongs to its session's thread from the start: its I/O never crosses.
        const auto session_executor = threads.next();
        auto [ec, socket] = co_await acceptor.async_accept(session_executor, net::use_tuple);
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor)
        {
            co_return; // closed: the server is stopping
        }
        if (ec)
        {
            trouble.failed(ec, *state.limits);
            backoff.expires_after(accept_retry_pause);
            co_await backoff.async_wait(net::use_tuple);
            continue;
        }
        trouble.recovered(*state.limits);
        state.metrics->connection_accepted();
        const auto peer = net::name_peer(socket);
        // Unix socket clients share one "address": only the total limit applies to them. A
        // client behind a proxy is counted by its own address once that is known.
        const bool count_peer =
            !peer.address.starts_with("unix:") && per_ip_counted_at_accept(state, peer.address);
        const auto limit_key = count_peer ? peer.address : std::string();
        connection_limits::slot slot;
        const auto hit = state.limits->try_admit(limit_key, slot);
        if (hit != limit_hit::none)
        {
            state.refusals->refused(hit, peer.address, *state.limits);
            state.metrics->handshake_failed(metrics::handshake_failure::limit);
            asio::co_spawn(session_executor,
                           refuse_connection(std::move(socket), state.settings.close_timeout),
                           asio::detached);
            continue;
        }
        log::connection_log log(id++, peer.address, peer.port);
        connection_lifetime lifetime;
        lifetime.counted = counted_connection(*state.sessions);
        lifetime.total_place = std::move(slot);
        asio::co_spawn(session_executor,
                       serve_connection(std::move(socket), std::move(lifetime), state, log),
                       on_connection_end(log.id()));
    }
}

} // namespace websockify::server
