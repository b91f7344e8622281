#include "websockify/process/memory_release.hpp"

#include <gtest/gtest.h>

using websockify::process::memory_release;

TEST(MemoryRelease, TrimsOnceWhenACrowdFallsToAQuarter)
{
    memory_release release;
    for (std::size_t live = 1; live <= 100; ++live)
    {
        release.live_connections(live);
    }
    for (std::size_t live = 99; live > 25; --live)
    {
        release.live_connections(live);
    }
    EXPECT_EQ(release.trims(), 0U);
    release.live_connections(25);
    EXPECT_EQ(release.trims(), 1U);
    // The high point restarts from 25: falling further to 7 is not a new crowd leaving.
    for (std::size_t live = 24; live > 0; --live)
    {
        release.live_connections(live);
    }
    EXPECT_EQ(release.trims(), 1U);
}

TEST(MemoryRelease, AFewSessionsComingAndGoingNeverTrim)
{
    memory_release release;
    for (int round = 0; round < 1000; ++round)
    {
        release.live_connections(memory_release::worthwhile_high_point - 1);
        release.live_connections(0);
    }
    EXPECT_EQ(release.trims(), 0U);
}
