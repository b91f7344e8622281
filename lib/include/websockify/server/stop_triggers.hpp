#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/server/readiness.hpp"
#include "websockify/server/session_tracker.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace websockify::server
{

/// Why the server stops serving, and the exit status when something else than 0 is due
/// (--wrap-mode=exit passes on the program's status).
struct stop_request
{
    std::string reason;
    std::optional<int> exit_status;
};

/// SIGINT or SIGTERM arrived.
net::awaitable<stop_request> stop_on_signal(asio::signal_set& signals);

/// --timeout: `limit` after start.
net::awaitable<stop_request> stop_after(std::chrono::milliseconds limit);

/// --idle-timeout: no connection for `limit` (counted from start, then from the last close).
net::awaitable<stop_request> stop_when_idle(session_tracker& sessions,
                                            std::chrono::milliseconds limit);

/// --run-once: stops accepting as soon as the first WebSocket session begins (later clients
/// are refused, not queued, and /readyz says 503), and stops the server when that session
/// ends.
net::awaitable<stop_request> stop_after_first_session(session_tracker& sessions,
                                                      net::stream_acceptor& acceptor,
                                                      readiness& ready);

/// A trigger that is switched off: completes only when cancelled.
net::awaitable<stop_request> never();

/// Runs `task` as part of the race without letting its end stop the server (e.g. the accept
/// loop ends when --run-once closes the listener; other triggers decide).
net::awaitable<stop_request> never_stop(net::awaitable<void> task);

} // namespace websockify::server
