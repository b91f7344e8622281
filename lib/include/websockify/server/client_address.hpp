#pragma once

#include "websockify/http/request_head.hpp"
#include "websockify/log/log.hpp"
#include "websockify/metrics/proxy_metrics.hpp"
#include "websockify/net/read_proxy_header.hpp"
#include "websockify/proxy/proxy_header.hpp"
#include "websockify/proxy/trusted_proxies.hpp"
#include "websockify/server/connection_limits.hpp"
#include "websockify/server/shared_state.hpp"

#include <string>

namespace websockify::server
{

/// Whether --max-connections-per-ip counts a connection by its socket peer at accept. Not
/// with --proxy-protocol (the header names the client) nor for a --trusted-proxy (its request
/// head does): those are counted by admit_client_address once the client is known, and until
/// then only towards --max-connections.
bool per_ip_counted_at_accept(const shared_state& state, const std::string& peer);

/// The --max-connections-per-ip place of a client learnt after accept, held in `into`. False
/// when its address is full: the refusal is logged (one line a second at most) and counted as
/// the `limit` handshake failure. Unix socket peers are never counted per address.
bool admit_client_address(const shared_state& state, const std::string& address,
                          connection_limits::slot& into);

/// The 503 a refused client gets, as at accept.
std::string too_many_connections_response();

/// --proxy-protocol: the log of a connection whose PROXY header names its client; that client
/// is the connection's client in every later line and limit (and --record's {client}). LOCAL
/// and UNKNOWN headers keep the socket's peer.
log::connection_log proxied_log(const log::connection_log& log, const proxy::header& header);

/// Logs why a --proxy-protocol connection gave no valid header.
void log_proxy_header_failure(const log::connection_log& log, const net::proxy_header_read& read);

/// The handshake-failure metric for such a connection.
metrics::handshake_failure proxy_header_failure_reason(net::proxy_header_read::outcome status);

/// --trusted-proxy: the log of a request whose Forwarded or X-Forwarded-For names its client,
/// when a trusted proxy sent it; `log` itself otherwise (anybody can write those headers).
log::connection_log forwarded_log(const log::connection_log& log, const http::request_head& head,
                                  const proxy::trusted_proxies& trusted);

} // namespace websockify::server
