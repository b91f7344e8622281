#pragma once

#include "websockify/config/config.hpp"
#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"

namespace websockify::server
{

/// One client from accept to close: sniff, request head, upgrade or HTTP error, target
/// connect, relay, and the "session closed" event. Never throws for peer behaviour.
net::awaitable<void> serve_connection(net::tcp::socket client, const config::settings& settings,
                                      log::connection_log log);

} // namespace websockify::server
