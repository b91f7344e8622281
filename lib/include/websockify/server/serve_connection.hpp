#pragma once

#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/server/connection_lifetime.hpp"
#include "websockify/server/shared_state.hpp"

namespace websockify::server
{

/// One client from accept to close: sniff, TLS, request head, upgrade or HTTP error, target
/// connect, relay, and the "session closed" event. Never throws for peer behaviour. A WebSocket
/// session continues in a coroutine of its own after the 101, taking the client stream and
/// `lifetime` along: this coroutine then returns while the session goes on.
net::awaitable<void> serve_connection(net::stream_socket client, connection_lifetime lifetime,
                                      const shared_state& state, log::connection_log log);

} // namespace websockify::server
