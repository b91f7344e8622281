#include "websockify/metrics/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace websockify::metrics
{
namespace
{

std::vector<double> checked(std::vector<double> bounds)
{
    for (std::size_t i = 0; i < bounds.size(); ++i)
    {
        if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
        {
            throw std::invalid_argument(
                "histogram bucket bounds must be finite and strictly increasing");
        }
    }
    return bounds;
}

} // namespace

histogram::histogram(std::vector<double> upper_bounds)
    : upper_bounds_(checked(std::move(upper_bounds))), buckets_(upper_bounds_.size() + 1)
{
}

void histogram::observe(double value) noexcept
{
    if (std::isnan(value))
    {
        return;
    }
    // Bucket i holds bound[i-1] < value <= bound[i] ("le" is inclusive); past the last, +Inf.
    const auto bound = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
    const auto index = static_cast<std::size_t>(bound - upper_bounds_.begin());
    buckets_[index].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

histogram_snapshot histogram::read() const
{
    histogram_snapshot snapshot;
    snapshot.cumulative_counts.reserve(buckets_.size());
    std::uint64_t running = 0;
    for (const auto& bucket : buckets_)
    {
        running += bucket.load(std::memory_order_relaxed);
        snapshot.cumulative_counts.push_back(running);
    }
    snapshot.count = running;
    snapshot.sum = sum_.load(std::memory_order_relaxed);
    return snapshot;
}

} // namespace websockify::metrics
