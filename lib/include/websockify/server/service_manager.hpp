#pragma once

#include "websockify/net/asio.hpp"

#include <string_view>

namespace websockify::server
{

/// What systemd (Type=notify) hears from websockify, through sd_notify; nothing happens when
/// NOTIFY_SOCKET is unset.

/// Listening, privileges dropped, wrapped program started: "READY=1" with a STATUS line.
void announce_ready(std::string_view status);

/// SIGHUP began ("RELOADING=1") and ended ("READY=1").
void announce_reloading();
void announce_reloaded();

/// The drain began: "STOPPING=1" with why.
void announce_stopping(std::string_view reason);

/// WatchdogSec=: "WATCHDOG=1" every half interval, from the event loop itself, so a stuck loop
/// gets the service restarted. Completes at once when the watchdog is off; else runs until
/// cancelled.
net::awaitable<void> feed_watchdog();

} // namespace websockify::server
