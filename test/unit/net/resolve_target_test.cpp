#include "websockify/net/connect_target.hpp"

#include <gtest/gtest.h>
#include <optional>

namespace websockify::net
{
namespace
{

using namespace std::chrono_literals;

std::optional<result<std::vector<tcp::endpoint>>> resolve(const std::string& host)
{
    asio::io_context io;
    std::optional<result<std::vector<tcp::endpoint>>> out;
    // Built outside the coroutine: gcc 12 mishandles braced initialisers inside coroutines.
    const config::endpoint target{host, 5900};
    asio::co_spawn(
        io, [&]() -> awaitable<void> { out = co_await resolve_target(target, 5s); },
        asio::detached);
    io.run();
    return out;
}

TEST(ResolveTarget, AddressLiteralsNeedNoLookup)
{
    const auto v4 = resolve("192.0.2.7");
    ASSERT_TRUE(v4 && *v4);
    ASSERT_EQ((*v4)->size(), 1U);
    EXPECT_EQ((*v4)->front(), tcp::endpoint(asio::ip::make_address("192.0.2.7"), 5900));

    const auto v6 = resolve("2001:db8::7");
    ASSERT_TRUE(v6 && *v6);
    ASSERT_EQ((*v6)->size(), 1U);
    EXPECT_TRUE((*v6)->front().address().is_v6());
    EXPECT_EQ((*v6)->front().port(), 5900);
}

TEST(ResolveTarget, LocalhostIsBothLoopbacks)
{
    const auto both = resolve("LocalHost");
    ASSERT_TRUE(both && *both);
    ASSERT_EQ((*both)->size(), 2U);
    EXPECT_TRUE((*both)->at(0).address().is_loopback());
    EXPECT_TRUE((*both)->at(1).address().is_loopback());
}

} // namespace
} // namespace websockify::net
