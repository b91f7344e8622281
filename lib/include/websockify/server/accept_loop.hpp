#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/server/shared_state.hpp"

namespace websockify::server
{

/// Accepts clients until the acceptor is closed or the loop is cancelled, spawning one
/// serve_connection coroutine per client, counted in `state.sessions` while it runs.
net::awaitable<void> accept_loop(net::stream_acceptor& acceptor, const shared_state& state);

} // namespace websockify::server
