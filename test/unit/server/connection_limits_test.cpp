#include "websockify/server/connection_limits.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace websockify::server
{
namespace
{

TEST(ConnectionLimits, TotalLimitRefusesUntilASlotIsReleased)
{
    const auto limits = std::make_shared<connection_limits>(2, 0);
    std::vector<connection_limits::slot> held(3);
    EXPECT_EQ(limits->try_admit("10.0.0.1", held[0]), limit_hit::none);
    EXPECT_EQ(limits->try_admit("10.0.0.2", held[1]), limit_hit::none);
    EXPECT_EQ(limits->try_admit("10.0.0.3", held[2]), limit_hit::total);
    EXPECT_EQ(limits->open(), 2U);
    held[0] = connection_limits::slot{};
    EXPECT_EQ(limits->open(), 1U);
    EXPECT_EQ(limits->try_admit("10.0.0.3", held[2]), limit_hit::none);
}

TEST(ConnectionLimits, PerAddressLimitLeavesOthersAlone)
{
    const auto limits = std::make_shared<connection_limits>(0, 2);
    connection_limits::slot a1;
    connection_limits::slot a2;
    connection_limits::slot a3;
    connection_limits::slot b1;
    EXPECT_EQ(limits->try_admit("::1", a1), limit_hit::none);
    EXPECT_EQ(limits->try_admit("::1", a2), limit_hit::none);
    EXPECT_EQ(limits->try_admit("::1", a3), limit_hit::per_ip);
    EXPECT_EQ(limits->try_admit("127.0.0.1", b1), limit_hit::none);
    EXPECT_EQ(limits->open_from("::1"), 2U);
    EXPECT_EQ(limits->open(), 3U);
}

TEST(ConnectionLimits, SlotsReleaseOnDestructionAndMove)
{
    const auto limits = std::make_shared<connection_limits>(1, 1);
    {
        connection_limits::slot first;
        ASSERT_EQ(limits->try_admit("h", first), limit_hit::none);
        connection_limits::slot moved(std::move(first));
        EXPECT_EQ(limits->open(), 1U);
    }
    EXPECT_EQ(limits->open(), 0U);
    EXPECT_EQ(limits->open_from("h"), 0U);
    connection_limits::slot again;
    EXPECT_EQ(limits->try_admit("h", again), limit_hit::none);
}

TEST(ConnectionLimits, RefusedAddressesLeaveNoEntries)
{
    const auto limits = std::make_shared<connection_limits>(1, 0);
    connection_limits::slot held;
    ASSERT_EQ(limits->try_admit("a", held), limit_hit::none);
    for (int i = 0; i < 100; ++i)
    {
        connection_limits::slot refused;
        EXPECT_EQ(limits->try_admit("flood-" + std::to_string(i), refused), limit_hit::total);
        EXPECT_EQ(limits->open_from("flood-" + std::to_string(i)), 0U);
    }
}

TEST(ConnectionLimits, EmptyAddressCountsOnlyTowardsTheTotal)
{
    const auto limits = std::make_shared<connection_limits>(3, 1);
    std::vector<connection_limits::slot> held(4);
    EXPECT_EQ(limits->try_admit("", held[0]), limit_hit::none);
    EXPECT_EQ(limits->try_admit("", held[1]), limit_hit::none);
    EXPECT_EQ(limits->try_admit("", held[2]), limit_hit::none);
    EXPECT_EQ(limits->try_admit("", held[3]), limit_hit::total);
}

TEST(ConnectionLimits, ZeroMeansUnlimited)
{
    const auto limits = std::make_shared<connection_limits>(0, 0);
    std::vector<connection_limits::slot> held(1000);
    for (auto& s : held)
    {
        ASSERT_EQ(limits->try_admit("same", s), limit_hit::none);
    }
    EXPECT_EQ(limits->open_from("same"), 1000U);
}

TEST(ConnectionLimits, AddressLearntLaterCountsOnlyPerAddress)
{
    // --proxy-protocol: the total is taken at accept with no address, the client's address
    // once the header names it.
    const auto limits = std::make_shared<connection_limits>(3, 1);
    connection_limits::slot total1;
    connection_limits::slot total2;
    ASSERT_EQ(limits->try_admit("", total1), limit_hit::none);
    ASSERT_EQ(limits->try_admit("", total2), limit_hit::none);
    connection_limits::slot address1;
    connection_limits::slot address2;
    EXPECT_EQ(limits->try_admit_address("192.0.2.7", address1), limit_hit::none);
    EXPECT_EQ(limits->open(), 2U);
    EXPECT_EQ(limits->open_from("192.0.2.7"), 1U);
    EXPECT_EQ(limits->try_admit_address("192.0.2.7", address2), limit_hit::per_ip);
    address1 = connection_limits::slot{};
    EXPECT_EQ(limits->open(), 2U);
    EXPECT_EQ(limits->open_from("192.0.2.7"), 0U);
    EXPECT_EQ(limits->try_admit_address("192.0.2.7", address2), limit_hit::none);
    total1 = connection_limits::slot{};
    EXPECT_EQ(limits->open(), 1U);
    EXPECT_EQ(limits->open_from("192.0.2.7"), 1U);
}

} // namespace
} // namespace websockify::server
