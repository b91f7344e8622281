#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

namespace websockify::metrics
{

/// What a histogram held at one moment, in Prometheus' shape.
struct histogram_snapshot
{
    /// Observations <= each upper bound, cumulative, then the +Inf bucket (== count).
    std::vector<std::uint64_t> cumulative_counts;
    double sum = 0;
    std::uint64_t count = 0;
};

/// Observations sorted into buckets by fixed upper bounds (Prometheus "histogram"; a bucket
/// holds values <= its bound, and +Inf is implicit). Any thread may observe (relaxed atomics).
class histogram
{
public:
    /// `upper_bounds` must be finite and strictly increasing; throws std::invalid_argument.
    explicit histogram(std::vector<double> upper_bounds);

    /// Counts `value` in its bucket and adds it to the sum; NaN is ignored.
    void observe(double value) noexcept;

    const std::vector<double>& upper_bounds() const noexcept { return upper_bounds_; }

    /// The buckets made cumulative. Taken while others observe, each bucket is exact on its own
    /// and count is the +Inf bucket, so the exposition stays self-consistent.
    histogram_snapshot read() const;

private:
    std::vector<double> upper_bounds_;
    /// Per bucket, not cumulative (one add per observation); the last one is +Inf.
    std::vector<std::atomic<std::uint64_t>> buckets_;
    std::atomic<double> sum_{0};
};

} // namespace websockify::metrics
