#pragma once

#include <chrono>

namespace websockify::wrap
{

/// How long --wrap-mode=respawn waits before starting the program again: 0.1 s, doubling with
/// each quick exit up to 10 s; a run that stayed up for a minute starts the sequence over.
/// Python websockify instead refuses a fourth start within 10 s.
class respawn_backoff
{
public:
    using duration = std::chrono::milliseconds;

    static constexpr duration first_delay{100};
    static constexpr duration longest_delay{10'000};
    /// A run at least this long counts as healthy.
    static constexpr duration stable_run{60'000};

    /// The delay before the next start, given how long the last run lasted.
    duration next_delay(std::chrono::steady_clock::duration last_run) noexcept;

private:
    duration next_ = first_delay;
};

} // namespace websockify::wrap
