#include "websockify/server/admission.hpp"

#include "websockify/http/response.hpp"
#include "websockify/server/target_policy.hpp"
#include "websockify/token/find_token.hpp"

#include <chrono>

namespace websockify::server
{
namespace
{

int status_for(token_plugins::failure_kind kind)
{
    switch (kind)
    {
    case token_plugins::failure_kind::unknown_token:
        return 404;
    case token_plugins::failure_kind::invalid_token:
        return 403;
    case token_plugins::failure_kind::backend_failed:
        return 502;
    case token_plugins::failure_kind::timed_out:
        break;
    }
    return 504;
}

/// What the client reads: short, and without the store's internals.
std::string_view client_reason(token_plugins::failure_kind kind)
{
    switch (kind)
    {
    case token_plugins::failure_kind::unknown_token:
        return "unknown token";
    case token_plugins::failure_kind::invalid_token:
        return "invalid token";
    case token_plugins::failure_kind::backend_failed:
        return "token lookup failed";
    case token_plugins::failure_kind::timed_out:
        break;
    }
    return "token lookup timed out";
}

std::optional<std::string> auth_refusal(const http::request_head& request,
                                        const shared_state& state, const log::connection_log& log,
                                        const auth::client_identity& client)
{
    if (!state.auth)
    {
        return std::nullopt;
    }
    const auto verdict = state.auth->check(request, client);
    if (verdict.allowed())
    {
        return std::nullopt;
    }
    state.metrics->handshake_failed(metrics::handshake_failure::auth_refused);
    log.info("auth_refused",
             "authentication refused (" + std::to_string(verdict.status) + "): " + verdict.reason,
             {{"status", static_cast<std::uint64_t>(verdict.status)}, {"reason", verdict.reason}});
    return http::format_error_response(verdict.status, verdict.reason, verdict.headers);
}

void log_token_refused(const shared_state& state, const log::connection_log& log,
                       const std::string& token, int status, const std::string& detail)
{
    state.metrics->handshake_failed(metrics::handshake_failure::token_refused);
    log.info(
        "token_refused",
        "token '" + token + "' refused (" + std::to_string(status) + "): " + detail,
        {{"token", token}, {"status", static_cast<std::uint64_t>(status)}, {"reason", detail}});
}

// gcc 12 miscompiles braced aggregates inside coroutines: admissions are built here.

admission refused(std::string response)
{
    admission result;
    result.refusal = std::move(response);
    return result;
}

admission refuse(int status, std::string_view reason)
{
    return refused(http::format_error_response(status, reason));
}

admission admitted(token::target where)
{
    admission result;
    result.target = std::move(where);
    return result;
}

} // namespace

token::target fixed_target(const config::settings& settings)
{
    token::target where;
    if (!settings.unix_target.empty())
    {
        where.unix_path = settings.unix_target;
        return where;
    }
    where.host = settings.target.host;
    where.port = settings.target.port;
    return where;
}

net::awaitable<admission> admit_session(const http::request_head& request,
                                        const shared_state& state, const log::connection_log& log,
                                        const auth::client_identity& client)
{
    if (auto refusal = auth_refusal(request, state, log, client))
    {
        co_return refused(std::move(*refusal));
    }
    if (!state.tokens)
    {
        co_return admitted(fixed_target(state.settings));
    }
    const auto token = token::find_token(request, state.settings.tokens.from_host);
    if (!token)
    {
        const std::string where = state.settings.tokens.from_host
                                      ? "no Host header"
                                      : "no token query parameter or cookie";
        log_token_refused(state, log, "", 400, where);
        co_return refuse(400, "token missing: " + where);
    }
    const auto asked = std::chrono::steady_clock::now();
    const auto found = co_await state.tokens->lookup(*token);
    state.metrics->token_lookup_took(std::chrono::steady_clock::now() - asked);
    if (!found.found)
    {
        const int status = status_for(found.failure.kind);
        log_token_refused(state, log, *token, status, found.failure.detail);
        co_return refuse(status, client_reason(found.failure.kind));
    }
    const auto disallowed = co_await target_refusal(*found.found, state);
    if (disallowed)
    {
        log_token_refused(state, log, *token, 403, *disallowed);
        co_return refuse(403, "target not allowed");
    }
    co_return admitted(*found.found);
}

std::optional<std::string> refuse_web_request(const http::request_head& request,
                                              const shared_state& state,
                                              const log::connection_log& log,
                                              const auth::client_identity& client)
{
    if (!state.settings.auth.web)
    {
        return std::nullopt;
    }
    return auth_refusal(request, state, log, client);
}

} // namespace websockify::server
