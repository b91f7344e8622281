#include "websockify/server/client_address.hpp"

#include "websockify/config/config.hpp"
#include "websockify/http/response.hpp"
#include "websockify/proxy/forwarded_client.hpp"

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

namespace
{

/// "192.0.2.1:4711", "[2001:db8::1]:4711".
std::string address_and_port(const std::string& address, std::uint16_t port)
{
    return config::to_string(config::endpoint{address, port});
}

} // namespace

/// --proxy-protocol: the header's client is the connection's client in every later line and
/// limit (and --record's {client}); LOCAL and UNKNOWN headers keep the socket's peer.
log::connection_log proxied_log(const log::connection_log& log, const proxy::header& header)
{
    const auto version = "PROXY v" + std::to_string(header.version);
    if (!header.source)
    {
        log.debug("proxy_header",
                  version +
                      (header.what == proxy::command::local ? " LOCAL header"
                                                            : " header without TCP addresses") +
                      ": the connection's own peer is the client");
        return log;
    }
    const auto client = proxy::address_text(*header.source);
    const auto port = header.source->port;
    log.debug("proxy_header",
              version + " header: client " + address_and_port(client, port) + ", relayed by " +
                  address_and_port(log.peer(), log.peer_port()),
              {{"client", client}, {"client_port", static_cast<std::uint64_t>(port)}});
    return {log.id(), client, port};
}

void log_proxy_header_failure(const log::connection_log& log, const net::proxy_header_read& read)
{
    using outcome = net::proxy_header_read::outcome;
    if (read.status == outcome::invalid)
    {
        log.info("proxy_header_refused",
                 "no valid PROXY protocol header (--proxy-protocol): " + std::string(read.problem),
                 {{"reason", read.problem}});
    }
    else if (read.status == outcome::timed_out)
    {
        log.info("proxy_header_refused",
                 "timed out waiting for the PROXY protocol header (--proxy-protocol)");
    }
    else if (read.bytes_read == 0)
    {
        log.debug("silent", "client sent nothing");
    }
    else
    {
        log.info("proxy_header_refused", "client closed during its PROXY protocol header");
    }
}

metrics::handshake_failure proxy_header_failure_reason(net::proxy_header_read::outcome status)
{
    switch (status)
    {
    case net::proxy_header_read::outcome::invalid:
        return metrics::handshake_failure::proxy_header;
    case net::proxy_header_read::outcome::timed_out:
        return metrics::handshake_failure::timeout;
    default:
        return metrics::handshake_failure::client_closed;
    }
}

/// --trusted-proxy: a request a trusted proxy relays names its client in Forwarded or
/// X-Forwarded-For. From anyone else those headers are ignored (anybody can write them).
log::connection_log forwarded_log(const log::connection_log& log, const http::request_head& head,
                                  const proxy::trusted_proxies& trusted)
{
    if (trusted.empty())
    {
        return log;
    }
    const bool has_headers = head.count("Forwarded") > 0 || head.count("X-Forwarded-For") > 0;
    if (!trusted.contains(log.peer()))
    {
        if (has_headers)
        {
            log.debug("forwarded_ignored", "Forwarded/X-Forwarded-For ignored: " + log.peer() +
                                               " is not a --trusted-proxy");
        }
        return log;
    }
    const auto client = proxy::find_forwarded_client(head, trusted);
    if (!client)
    {
        log.debug("forwarded", std::string(has_headers ? "no usable client address in" : "no") +
                                   " Forwarded/X-Forwarded-For from trusted proxy " + log.peer());
        return log;
    }
    log.debug(
        "forwarded",
        std::string(client->from) + " from trusted proxy " + log.peer() + ": client " +
            address_and_port(client->address, client->port),
        {{"client", client->address}, {"client_port", static_cast<std::uint64_t>(client->port)}});
    return {log.id(), client->address, client->port};
}

std::string too_many_connections_response()
{
    return http::format_error_response(503, "too many connections, try again",
                                       {{"Retry-After", "1"}});
}

} // namespace websockify::server
