#include "websockify/wrap/free_loopback_port.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace websockify::wrap
{
namespace
{

TEST(WrapFreeLoopbackPort, CanBeBoundOnIpv4Loopback)
{
    const auto port = free_loopback_port();
    ASSERT_TRUE(port) << port.error().message();
    EXPECT_NE(*port, 0);

    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(s, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(*port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    EXPECT_EQ(::bind(s, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    ::close(s);
}

} // namespace
} // namespace websockify::wrap
