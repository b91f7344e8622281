#pragma once

#include "websockify/server/connection_limits.hpp"
#include "websockify/server/session_tracker.hpp"

#include <cstdint>
#include <exception>
#include <memory>

namespace websockify::server
{

/// Reports a connection's end to the session tracker when destroyed; moves with the connection.
class counted_connection
{
public:
    counted_connection() = default;
    /// Counts the connection as open now.
    explicit counted_connection(session_tracker& sessions);
    counted_connection(counted_connection&& other) noexcept;
    counted_connection& operator=(counted_connection&& other) noexcept;
    counted_connection(const counted_connection&) = delete;
    counted_connection& operator=(const counted_connection&) = delete;
    ~counted_connection();

private:
    session_tracker* sessions_ = nullptr;
};

/// Everything a connection holds until it closes. The coroutines that serve its handshake pass
/// it down by reference; a WebSocket session takes it along when it leaves them (see
/// serve_connection), so that an idle session keeps none of the handshake's frames.
struct connection_lifetime
{
    counted_connection counted;
    /// Its place under --max-connections (and --max-connections-per-ip when counted at accept).
    connection_limits::slot total_place;
    /// Its per-address place when the client's address came later (PROXY header, trusted proxy).
    connection_limits::slot address_place;
    /// The TLS certificate it was served with, kept across reloads.
    std::shared_ptr<const void> tls_context;
};

/// A connection's coroutine ended by an exception: a bug, logged with the connection's id.
void log_unexpected_end(std::uint64_t id, const std::exception_ptr& failure);

/// The completion handler for a co_spawned connection coroutine: logs an unexpected end.
inline auto on_connection_end(std::uint64_t id)
{
    return [id](const std::exception_ptr& failure)
    {
        if (failure)
        {
            log_unexpected_end(id, failure);
        }
    };
}

} // namespace websockify::server
