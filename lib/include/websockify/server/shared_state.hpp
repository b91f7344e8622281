#pragma once

#include "websockify/auth/auth_plugin.hpp"
#include "websockify/config/config.hpp"
#include "websockify/metrics/proxy_metrics.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/proxy/trusted_proxies.hpp"
#include "websockify/recording/record_writer.hpp"
#include "websockify/server/connection_limits.hpp"
#include "websockify/server/refusal_log.hpp"
#include "websockify/server/session_tracker.hpp"
#include "websockify/tls/context_holder.hpp"
#include "websockify/tls/target_context.hpp"
#include "websockify/token/allow_list.hpp"
#include "websockify/token_plugins/token_plugin.hpp"
#include "websockify/web/options.hpp"

#include <memory>
#include <optional>

namespace websockify::server
{

/// What every connection reads; owned by run() and alive until io_context::run() returns.
struct shared_state
{
    const config::settings& settings;
    /// Null when TLS is off. Each session takes its own reference to the current context,
    /// so a reload swaps in a new one without touching live sessions.
    std::unique_ptr<tls::context_holder> tls;
    /// Set with --web: the canonical web root and listing policy.
    std::optional<web::options> web;
    /// Live connections and the lifecycle events they watch; never null.
    session_tracker* sessions = nullptr;
    /// Set with --token-plugin: maps each session's token to its target.
    std::unique_ptr<token_plugins::token_plugin> tokens;
    /// Set with --auth-plugin: decides who may open a session (and, --web-auth, get files).
    std::unique_ptr<auth::auth_plugin> auth;
    /// Set with --record: writes session recordings off the server thread.
    recording::record_writer* recorder = nullptr;
    /// Set with --ssl-target: the client context for targets (built from `settings`).
    std::shared_ptr<asio::ssl::context> target_tls = tls::make_target_context(settings.target_tls);
    /// --allow-target: where tokens may lead (checked by the CLI, so parsing cannot fail here).
    token::target_allow_list allowed_targets =
        token::target_allow_list::parse(settings.tokens.allow_targets);
    /// --max-connections and --max-connections-per-ip (the first resolved by run()).
    std::shared_ptr<connection_limits> limits = std::make_shared<connection_limits>(
        settings.max_connections, settings.max_connections_per_ip);
    /// Counted whether or not --metrics-listen serves them (a few relaxed atomic adds); never
    /// null. Qualified: a bare `metrics::` here would change meaning once the member exists.
    std::shared_ptr<websockify::metrics::proxy_metrics> metrics =
        std::make_shared<websockify::metrics::proxy_metrics>();
    /// --trusted-proxy (checked by the CLI, so parsing cannot fail here).
    proxy::trusted_proxies trusted_proxies =
        proxy::trusted_proxies::parse(settings.trusted_proxies);
    /// Refusals by the connection limits, one log line a second at most; never null.
    std::shared_ptr<refusal_log> refusals = std::make_shared<refusal_log>();
};

} // namespace websockify::server
