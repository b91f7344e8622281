#include "websockify/wrap/respawn_backoff.hpp"

#include <gtest/gtest.h>

namespace websockify::wrap
{
namespace
{

using namespace std::chrono_literals;

TEST(WrapRespawnBackoff, DoublesFromATenthUpToTenSeconds)
{
    respawn_backoff backoff;
    const std::vector<long> expected{100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000};
    for (const auto ms : expected)
    {
        EXPECT_EQ(backoff.next_delay(1s).count(), ms);
    }
}

TEST(WrapRespawnBackoff, StableRunStartsOver)
{
    respawn_backoff backoff;
    for (int i = 0; i < 5; ++i)
    {
        backoff.next_delay(0s);
    }
    EXPECT_EQ(backoff.next_delay(60s).count(), 100);
    EXPECT_EQ(backoff.next_delay(59s).count(), 200);
}

} // namespace
} // namespace websockify::wrap
