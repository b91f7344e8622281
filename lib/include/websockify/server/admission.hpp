#pragma once

#include "websockify/auth/auth_plugin.hpp"
#include "websockify/http/request_head.hpp"
#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/server/shared_state.hpp"
#include "websockify/token/target.hpp"

#include <optional>
#include <string>

namespace websockify::server
{

/// Where an admitted WebSocket session goes, or the HTTP response that refuses it.
struct admission
{
    std::optional<token::target> target;
    std::string refusal; ///< a complete HTTP response when `target` is empty
};

/// Before the 101: the auth plugin's decision, then the target, from the token plugin or the
/// command line. Every refusal is logged with the client's address (and token).
net::awaitable<admission> admit_session(const http::request_head& request,
                                        const shared_state& state, const log::connection_log& log,
                                        const auth::client_identity& client);

/// With --web-auth: the HTTP refusal of a web request, or nullopt when it may be served.
std::optional<std::string> refuse_web_request(const http::request_head& request,
                                              const shared_state& state,
                                              const log::connection_log& log,
                                              const auth::client_identity& client);

/// The command line's target: --unix-target, else target_addr:target_port.
token::target fixed_target(const config::settings& settings);

} // namespace websockify::server
