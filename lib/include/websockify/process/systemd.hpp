#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::process
{

/// A socket systemd passed (socket activation), with its FileDescriptorName= ("" when unnamed).
struct passed_socket
{
    int fd = -1;
    std::string name;
};

/// The sockets systemd passed to this process (LISTEN_PID is ours, LISTEN_FDS > 0), in order;
/// empty when not socket-activated. Removes LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from the
/// environment, so a wrapped program never believes the sockets are its own. Call once, early.
std::vector<passed_socket> take_systemd_sockets();

/// Tells the service manager about a state change ("READY=1", "RELOADING=1", "STOPPING=1",
/// "STATUS=...", "WATCHDOG=1"; lines may be combined with '\n'). Does nothing when
/// NOTIFY_SOCKET is unset (not under systemd, or Type= is not notify).
void notify_service_manager(std::string_view state);

/// How often to send WATCHDOG=1: half of WatchdogSec= when the watchdog is on for this
/// process, nullopt otherwise.
std::optional<std::chrono::microseconds> watchdog_ping_interval();

} // namespace websockify::process
