#pragma once

#include "websockify/config/config.hpp"
#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/net/event.hpp"
#include "websockify/relay/relay.hpp"

#include <span>

namespace websockify::relay
{

/// The relay for legacy Hixie-75/76 clients (--hixie): 0x00..0xFF text frames carrying
/// base64 both ways, no control frames. Draft 76 ends with the 0xFF 0x00 closing handshake.
/// The outcome's close code is 1000 for an orderly end, 1002 for a framing error, 1006 for a
/// vanished client, for the log only: Hixie has no close codes on the wire.
template <class Stream, class Target>
net::awaitable<relay_outcome> relay_hixie(Stream& client, Target& target, int draft,
                                          std::span<const std::byte> already_read,
                                          const config::settings& settings,
                                          const log::connection_log& log, net::event& going_away);

} // namespace websockify::relay
