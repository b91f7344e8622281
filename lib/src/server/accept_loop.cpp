#include "websockify/server/accept_loop.hpp"

#include "websockify/log/log.hpp"
#include "websockify/net/endpoint_name.hpp"
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

} // namespace

net::awaitable<void> accept_loop(net::stream_acceptor& acceptor, const shared_state& state)
{
    asio::steady_timer backoff(acceptor.get_executor());
    for (std::uint64_t id = 1;;)
    {
        auto [ec, socket] = co_await acceptor.async_accept(net::use_tuple);
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor)
        {
            co_return; // closed: the server is stopping
        }
        if (ec)
        {
            log::server_warn("accept failed: " + ec.message());
            backoff.expires_after(accept_retry_pause);
            co_await backoff.async_wait(net::use_tuple);
            continue;
        }
        const auto this_id = id++;
        const auto peer = net::name_peer(socket);
        log::connection_log log(this_id, peer.address, peer.port);
        auto* sessions = state.sessions;
        sessions->connection_opened();
        asio::co_spawn(acceptor.get_executor(),
                       serve_connection(std::move(socket), state, std::move(log)),
                       [this_id, sessions](const std::exception_ptr& e)
                       {
                           sessions->connection_closed();
                           if (e)
                           {
                               log_unexpected(this_id, e);
                           }
                       });
    }
}

} // namespace websockify::server
