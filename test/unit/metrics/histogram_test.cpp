#include "websockify/metrics/histogram.hpp"

#include <gtest/gtest.h>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace websockify::metrics
{
namespace
{

TEST(Histogram, BoundsAreInclusiveAndCountsCumulative)
{
    histogram h({0.1, 1, 5});
    h.observe(0.05); // <= 0.1
    h.observe(0.1);  // exactly on a bound: "le" includes it
    h.observe(0.5);  // <= 1
    h.observe(7);    // +Inf only
    const auto s = h.read();
    EXPECT_EQ(s.cumulative_counts, (std::vector<std::uint64_t>{2, 3, 3, 4}));
    EXPECT_EQ(s.count, 4U);
    EXPECT_DOUBLE_EQ(s.sum, 7.65);
}

TEST(Histogram, EmptyHasZeroBucketsAndPlusInf)
{
    const histogram h({1, 2});
    const auto s = h.read();
    EXPECT_EQ(s.cumulative_counts, (std::vector<std::uint64_t>{0, 0, 0}));
    EXPECT_EQ(s.count, 0U);
    EXPECT_EQ(s.sum, 0.0);
}

TEST(Histogram, NanIsIgnored)
{
    histogram h({1});
    h.observe(std::numeric_limits<double>::quiet_NaN());
    EXPECT_EQ(h.read().count, 0U);
}

TEST(Histogram, RejectsUnsortedOrInfiniteBounds)
{
    EXPECT_THROW(histogram({1, 1}), std::invalid_argument);
    EXPECT_THROW(histogram({2, 1}), std::invalid_argument);
    EXPECT_THROW(histogram({1, std::numeric_limits<double>::infinity()}), std::invalid_argument);
}

TEST(Histogram, ObservationsFromManyThreadsAreAllCounted)
{
    histogram h({0.5});
    constexpr int per_thread = 10'000;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
    {
        threads.emplace_back(
            [&h, t]
            {
                for (int i = 0; i < per_thread; ++i)
                {
                    h.observe(t % 2 == 0 ? 0.25 : 1.0);
                }
            });
    }
    for (auto& thread : threads)
    {
        thread.join();
    }
    const auto s = h.read();
    EXPECT_EQ(s.cumulative_counts, (std::vector<std::uint64_t>{20'000, 40'000}));
    EXPECT_DOUBLE_EQ(s.sum, 20'000 * 0.25 + 20'000 * 1.0);
}

} // namespace
} // namespace websockify::metrics
