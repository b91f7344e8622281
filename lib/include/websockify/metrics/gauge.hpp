#pragma once

#include <atomic>
#include <cstdint>

namespace websockify::metrics
{

/// A value that goes up and down (Prometheus "gauge"), e.g. live sessions. Relaxed atomics, as
/// for counter.
class gauge
{
public:
    void add(std::int64_t amount = 1) noexcept
    {
        value_.fetch_add(amount, std::memory_order_relaxed);
    }
    void subtract(std::int64_t amount = 1) noexcept
    {
        value_.fetch_sub(amount, std::memory_order_relaxed);
    }
    void set(std::int64_t value) noexcept { value_.store(value, std::memory_order_relaxed); }
    std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

} // namespace websockify::metrics
