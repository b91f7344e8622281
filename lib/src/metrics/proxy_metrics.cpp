#include "websockify/metrics/proxy_metrics.hpp"

#include <string>

namespace websockify::metrics
{
namespace
{

constexpr std::array<handshake_failure, handshake_failure_count> all_failures{
    handshake_failure::timeout,
    handshake_failure::client_closed,
    handshake_failure::bad_request,
    handshake_failure::too_large,
    handshake_failure::method_not_allowed,
    handshake_failure::bad_handshake,
    handshake_failure::plain_refused,
    handshake_failure::tls_refused,
    handshake_failure::tls_failed,
    handshake_failure::auth_refused,
    handshake_failure::token_refused,
    handshake_failure::limit,
    handshake_failure::proxy_header};

std::vector<double> latency_bounds()
{
    return {latency_buckets.begin(), latency_buckets.end()};
}

double seconds(std::chrono::steady_clock::duration took)
{
    return std::chrono::duration<double>(took).count();
}

} // namespace

std::string_view to_string(handshake_failure why) noexcept
{
    switch (why)
    {
    case handshake_failure::timeout:
        return "timeout";
    case handshake_failure::client_closed:
        return "client_closed";
    case handshake_failure::bad_request:
        return "bad_request";
    case handshake_failure::too_large:
        return "too_large";
    case handshake_failure::method_not_allowed:
        return "method_not_allowed";
    case handshake_failure::bad_handshake:
        return "bad_handshake";
    case handshake_failure::plain_refused:
        return "plain_refused";
    case handshake_failure::tls_refused:
        return "tls_refused";
    case handshake_failure::tls_failed:
        return "tls_failed";
    case handshake_failure::auth_refused:
        return "auth_refused";
    case handshake_failure::token_refused:
        return "token_refused";
    case handshake_failure::limit:
        return "limit";
    case handshake_failure::proxy_header:
        break;
    }
    return "proxy_header";
}

proxy_metrics::proxy_metrics()
    : connections_(registry_
                       .add_counter("websockify_connections_total",
                                    "Connections accepted on the public listener, before any "
                                    "limit or handshake.")
                       .with({})),
      handshake_failures_(registry_.add_counter(
          "websockify_handshake_failures_total",
          "Connections that never became a WebSocket session, by reason.", {"reason"})),
      tls_handshakes_(registry_.add_counter("websockify_tls_handshakes_total",
                                            "TLS handshakes with clients (wss://), by result.",
                                            {"result"})),
      tls_ok_(tls_handshakes_.with({"ok"})), tls_failed_(tls_handshakes_.with({"failed"})),
      sessions_active_(registry_
                           .add_gauge("websockify_sessions_active",
                                      "WebSocket sessions open now (upgraded, target being "
                                      "connected or relaying).")
                           .with({})),
      sessions_total_(registry_.add_counter(
          "websockify_sessions_total",
          "WebSocket sessions ended, by who closed (client_closed, target_closed, server_closed, "
          "connect_failed) and the close code the client got.",
          {"outcome", "code"})),
      bytes_total_(registry_.add_counter(
          "websockify_bytes_total",
          "Payload bytes relayed, by direction; added when a session ends, so open sessions are "
          "not counted yet.",
          {"direction"})),
      bytes_from_client_(bytes_total_.with({"from_client"})),
      bytes_to_client_(bytes_total_.with({"to_client"})),
      target_connect_(registry_
                          .add_histogram("websockify_target_connect_seconds",
                                         "Time to connect to the target (TCP or unix socket, "
                                         "retries included), failed attempts too.",
                                         latency_bounds())
                          .with({})),
      token_lookup_(registry_
                        .add_histogram("websockify_token_lookup_seconds",
                                       "Time the --token-plugin took to map a token to its "
                                       "target, failures and cache hits included.",
                                       latency_bounds())
                        .with({}))
{
    // Every reason is exposed from the start, so that rate() sees the first failure.
    for (const auto why : all_failures)
    {
        failures_by_reason_.at(static_cast<std::size_t>(why)) =
            &handshake_failures_.with({std::string(to_string(why))});
    }
}

void proxy_metrics::handshake_failed(handshake_failure why) noexcept
{
    failures_by_reason_[static_cast<std::size_t>(why)]->add();
}

void proxy_metrics::session_closed(std::string_view outcome, std::uint16_t close_code,
                                   std::uint64_t bytes_from_client, std::uint64_t bytes_to_client)
{
    sessions_total_.with({std::string(outcome), std::to_string(close_code)}).add();
    bytes_from_client_.add(bytes_from_client);
    bytes_to_client_.add(bytes_to_client);
}

void proxy_metrics::target_connect_took(std::chrono::steady_clock::duration took) noexcept
{
    target_connect_.observe(seconds(took));
}

void proxy_metrics::token_lookup_took(std::chrono::steady_clock::duration took) noexcept
{
    token_lookup_.observe(seconds(took));
}

} // namespace websockify::metrics
