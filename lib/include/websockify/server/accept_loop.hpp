#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/server/session_threads.hpp"
#include "websockify/server/shared_state.hpp"

namespace websockify::server
{

/// Accepts clients until the acceptor is closed or the loop is cancelled, spawning one
/// serve_connection coroutine per client, counted in `state.sessions` while it runs. Each
/// client is accepted onto the next of `threads` and served there until it closes.
net::awaitable<void> accept_loop(net::stream_acceptor& acceptor, const shared_state& state,
                                 session_threads& threads);

} // namespace websockify::server
