#pragma once

#include "websockify/config/config.hpp"
#include "websockify/metrics/registry.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/server/readiness.hpp"

namespace websockify::server
{

/// --metrics-listen: opens the plain-HTTP listener for /metrics, /healthz and /readyz. Throws
/// net::startup_error naming the option (busy port, unknown host).
net::stream_acceptor open_metrics_listener(const asio::any_io_executor& executor,
                                           const config::settings& settings);

/// Starts serving `acceptor` on its executor until it is closed or the io_context stops: one
/// request per connection (answered with Connection: close), head size and time limited as on
/// the public port. Every reference must outlive io_context::run(). Never throws for client
/// behaviour; an internal error is logged.
void start_metrics_server(net::stream_acceptor& acceptor, const metrics::registry& registry,
                          const readiness& ready, const config::settings& settings);

} // namespace websockify::server
