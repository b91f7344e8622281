#include "websockify/process/systemd.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <systemd/sd-daemon.h>

namespace websockify::process
{

std::vector<passed_socket> take_systemd_sockets()
{
    char** names = nullptr;
    // 1: unset LISTEN_* once read (see the header).
    const int count = sd_listen_fds_with_names(1, &names);
    std::vector<passed_socket> sockets;
    for (int i = 0; i < count; ++i)
    {
        passed_socket socket;
        socket.fd = SD_LISTEN_FDS_START + i;
        // NOLINTNEXTLINE(cppcoreguidelines-pro-bounds-pointer-arithmetic): libsystemd's array
        if (names != nullptr && names[i] != nullptr && std::string_view(names[i]) != "unknown")
        {
            socket.name = names[i]; // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
        }
        sockets.push_back(std::move(socket));
    }
    if (names != nullptr)
    {
        for (char** name = names; *name != nullptr; ++name) // NOLINT: libsystemd's array
        {
            std::free(*name); // NOLINT(cppcoreguidelines-no-malloc): allocated by libsystemd
        }
        std::free(static_cast<void*>(names)); // NOLINT(cppcoreguidelines-no-malloc)
    }
    return sockets;
}

void notify_service_manager(std::string_view state)
{
    // A failure to notify is not worth stopping for: systemd times the service out itself.
    (void)sd_notify(0, std::string(state).c_str());
}

std::optional<std::chrono::microseconds> watchdog_ping_interval()
{
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
    {
        return std::nullopt;
    }
    return std::chrono::microseconds(usec / 2);
}

} // namespace websockify::process
