#include "websockify/wrap/respawn_backoff.hpp"

#include <algorithm>

namespace websockify::wrap
{

respawn_backoff::duration
respawn_backoff::next_delay(std::chrono::steady_clock::duration last_run) noexcept
{
    if (last_run >= stable_run)
    {
        next_ = first_delay;
    }
    const auto delay = next_;
    next_ = std::min(next_ * 2, longest_delay);
    return delay;
}

} // namespace websockify::wrap
