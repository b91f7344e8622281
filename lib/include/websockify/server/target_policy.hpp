#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/net/connect_target.hpp"
#include "websockify/server/shared_state.hpp"
#include "websockify/token/target.hpp"

#include <optional>
#include <string>

namespace websockify::server
{

/// --allow-target applied to a token's target before the 101: why it is refused (for the log),
/// or nullopt. A host name that no rule names is resolved here and passes when one of its
/// addresses is allowed, so that the client gets 403 rather than a close after the upgrade.
net::awaitable<std::optional<std::string>> target_refusal(const token::target& where,
                                                          const shared_state& state);

/// The connect-time check for a host name admitted by its addresses: the name is resolved
/// again to connect, and only allowed addresses are used, so a changed DNS answer cannot
/// lead elsewhere. Nullopt when `where` needs no filter.
std::optional<net::endpoint_filter> connect_filter(const token::target& where,
                                                   const shared_state& state);

} // namespace websockify::server
