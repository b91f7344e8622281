#include "websockify/server/refusal_log.hpp"

#include "websockify/log/log.hpp"

#include <utility>

namespace websockify::server
{
namespace
{

using namespace std::chrono_literals;

constexpr auto refusal_log_interval = 1s;

} // namespace

void refusal_log::refused(limit_hit hit, const std::string& address,
                          const connection_limits& limits)
{
    std::uint64_t not_shown = 0;
    {
        const std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_line_ < refusal_log_interval)
        {
            ++unlogged_;
            return;
        }
        last_line_ = now;
        not_shown = std::exchange(unlogged_, 0);
    }
    std::string line = hit == limit_hit::total
                           ? "connection limit reached (--max-connections " +
                                 std::to_string(limits.max_total()) + "): refused " + address
                           : address + " has " + std::to_string(limits.open_from(address)) +
                                 " connections open (--max-connections-per-ip " +
                                 std::to_string(limits.max_per_ip()) + "): refused";
    if (not_shown > 0)
    {
        line += " (and " + std::to_string(not_shown) + " more refusals since the last line)";
    }
    log::server_warn(line);
}

} // namespace websockify::server
