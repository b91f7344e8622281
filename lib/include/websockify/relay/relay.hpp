#pragma once

#include "websockify/config/config.hpp"
#include "websockify/log/log.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/net/event.hpp"
#include "websockify/recording/record_writer.hpp"
#include "websockify/ws/handshake.hpp"
#include "websockify/ws/permessage_deflate.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace websockify::relay
{

/// Which side ended a session, for the "session closed" event.
enum class closed_by
{
    client,
    target,
    server
};

std::string_view to_string(closed_by side) noexcept;

/// How a relayed session ended and what it moved.
struct relay_outcome
{
    std::uint16_t close_code = 1000; ///< sent (or echoed) to the client; 1006 when it vanished
    std::string close_reason;
    closed_by side = closed_by::client;
    std::uint64_t bytes_from_client = 0; ///< payload bytes delivered to the target
    std::uint64_t bytes_to_client = 0;   ///< bytes read from the target and sent on
};

/// Relays between an upgraded client stream and a connected target (TCP, or TLS with
/// --ssl-target) until either side ends,
/// or `going_away` is set (the server stops: the client gets 1001 "Going Away"), then runs the
/// RFC 6455 §7 close sequence. `already_read` holds client bytes that arrived with the request
/// head. With `recording` (--record), every relayed byte is recorded. With `compression` (the
/// agreed permessage-deflate parameters, never in base64 mode), messages to the client are
/// compressed and RSV1 messages from it inflated (RFC 7692). Never throws for peer behaviour.
template <class Stream, class Target>
net::awaitable<relay_outcome>
relay(Stream& client, Target& target, ws::subprotocol mode, std::span<const std::byte> already_read,
      const config::settings& settings, const log::connection_log& log, net::event& going_away,
      recording::session_recording* recording = nullptr,
      std::optional<ws::deflate_params> compression = std::nullopt);

/// Sends close(code, reason) on a freshly upgraded stream that will never be relayed, e.g.
/// when the target cannot be reached (1011), then closes the stream.
template <class Stream>
net::awaitable<void> refuse_session(Stream& client, std::uint16_t code, std::string_view reason,
                                    const config::settings& settings);

} // namespace websockify::relay
