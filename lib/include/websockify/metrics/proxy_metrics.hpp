#pragma once

#include "websockify/metrics/registry.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace websockify::metrics
{

/// Why a connection never became a WebSocket session; the names follow the log events.
enum class handshake_failure
{
    timeout,            ///< the handshake deadline passed (nothing sent, or the head unfinished)
    client_closed,      ///< the client went away before a complete request
    bad_request,        ///< unparsable request head, or first bytes of no known protocol (400)
    too_large,          ///< request head over --max-head-size (431)
    method_not_allowed, ///< a plain HTTP request without --web (405)
    bad_handshake,      ///< the WebSocket upgrade was invalid, or a Hixie draft was refused
    plain_refused,      ///< ws:// under --ssl-only
    tls_refused,        ///< wss:// without a certificate
    tls_failed,         ///< the TLS handshake failed or timed out
    auth_refused,       ///< the --auth-plugin said no (401/403)
    token_refused,      ///< no, unknown or invalid token, or a token store failure
    limit,              ///< over --max-connections or --max-connections-per-ip (503)
    proxy_header,       ///< --proxy-protocol: the connection did not open with a valid header
};
inline constexpr std::size_t handshake_failure_count = 13;

/// The label value of a reason, e.g. "bad_request".
std::string_view to_string(handshake_failure why) noexcept;

/// Buckets for connect and lookup times, in seconds: loopback to far away, up to the timeouts.
inline constexpr std::array<double, 8> latency_buckets{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};

/// websockify's own metrics (prefix websockify_), with one call per event at the place where it
/// happens. Thread-safe: counters are atomic, labelled members are created under a lock.
class proxy_metrics
{
public:
    proxy_metrics();
    proxy_metrics(const proxy_metrics&) = delete;
    proxy_metrics& operator=(const proxy_metrics&) = delete;

    /// Everything registered, for the /metrics page.
    const registry& all() const noexcept { return registry_; }

    /// A TCP (or unix socket) connection was accepted on the public listener.
    void connection_accepted() noexcept { connections_.add(); }
    void handshake_failed(handshake_failure why) noexcept;
    void tls_handshake_done(bool ok) noexcept { (ok ? tls_ok_ : tls_failed_).add(); }

    /// A WebSocket session was upgraded / has ended (however it ended).
    void session_opened() noexcept { sessions_active_.add(); }
    void session_ended() noexcept { sessions_active_.subtract(); }
    /// The "session closed" figures: who closed ("client_closed", "target_closed",
    /// "server_closed", "connect_failed"), the close code the client got, and the bytes moved.
    void session_closed(std::string_view outcome, std::uint16_t close_code,
                        std::uint64_t bytes_from_client, std::uint64_t bytes_to_client);

    /// How long reaching the target took (failed attempts included).
    void target_connect_took(std::chrono::steady_clock::duration took) noexcept;
    /// How long the --token-plugin took to answer (cache hits included).
    void token_lookup_took(std::chrono::steady_clock::duration took) noexcept;

private:
    // Declared in exposition order: the constructor registers them in this order.
    registry registry_;
    counter& connections_;
    family<counter>& handshake_failures_;
    std::array<counter*, handshake_failure_count> failures_by_reason_{};
    family<counter>& tls_handshakes_;
    counter& tls_ok_;
    counter& tls_failed_;
    gauge& sessions_active_;
    family<counter>& sessions_total_;
    family<counter>& bytes_total_;
    counter& bytes_from_client_;
    counter& bytes_to_client_;
    histogram& target_connect_;
    histogram& token_lookup_;
};

} // namespace websockify::metrics
