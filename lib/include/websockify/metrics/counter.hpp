#pragma once

#include <atomic>
#include <cstdint>

namespace websockify::metrics
{

/// A count that only goes up (Prometheus "counter"). Relaxed atomics: any thread may add, and
/// a scrape needs each total on its own, not ordered with other memory.
class counter
{
public:
    void add(std::uint64_t amount = 1) noexcept
    {
        value_.fetch_add(amount, std::memory_order_relaxed);
    }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

} // namespace websockify::metrics
