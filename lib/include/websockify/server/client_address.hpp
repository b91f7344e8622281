#pragma once

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

} // namespace websockify::server
