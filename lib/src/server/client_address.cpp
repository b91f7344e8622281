#include "websockify/server/client_address.hpp"

#include "websockify/http/response.hpp"

namespace websockify::server
{

bool per_ip_counted_at_accept(const shared_state& state, const std::string& peer)
{
    return !state.settings.proxy_protocol && !state.trusted_proxies.contains(peer);
}

bool admit_client_address(const shared_state& state, const std::string& address,
                          connection_limits::slot& into)
{
    if (address.starts_with("unix:") || state.settings.max_connections_per_ip == 0)
    {
        return true;
    }
    const auto hit = state.limits->try_admit_address(address, into);
    if (hit == limit_hit::none)
    {
        return true;
    }
    state.refusals->refused(hit, address, *state.limits);
    state.metrics->handshake_failed(metrics::handshake_failure::limit);
    return false;
}

std::string too_many_connections_response()
{
    return http::format_error_response(503, "too many connections, try again",
                                       {{"Retry-After", "1"}});
}

} // namespace websockify::server
