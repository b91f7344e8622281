#include "websockify/net/endpoint_name.hpp"
#include "websockify/net/inherited_listener.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/net/unix_listener.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace websockify::net
{
namespace
{

std::string temp_socket_path(const std::string& name)
{
    auto path = testing::TempDir() + name + "_" + std::to_string(::getpid()) + ".sock";
    ::unlink(path.c_str());
    return path;
}

TEST(UnixListener, ModeAppliedWhateverTheUmask)
{
    asio::io_context io;
    const auto path = temp_socket_path("mode");
    const auto old_umask = ::umask(0077);
    {
        auto acceptor = open_unix_listener(io.get_executor(), path, 0660);
        struct stat info
        {
        };
        ASSERT_EQ(::stat(path.c_str(), &info), 0);
        EXPECT_TRUE(S_ISSOCK(info.st_mode));
        EXPECT_EQ(info.st_mode & 07777, 0660U);
        unix_socket_file remove_at_exit(path);
    }
    ::umask(old_umask);
    EXPECT_NE(::access(path.c_str(), F_OK), 0) << "socket file left behind";
}

TEST(UnixListener, RegularFileInTheWayIsAnError)
{
    asio::io_context io;
    const auto path = temp_socket_path("file");
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY, 0600);
    ASSERT_GE(fd, 0);
    ::close(fd);
    try
    {
        open_unix_listener(io.get_executor(), path, 0600);
        ADD_FAILURE() << "a regular file was replaced";
    }
    catch (const startup_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("is not a socket"), std::string::npos) << e.what();
    }
    ::unlink(path.c_str());
}

TEST(UnixListener, StaleSocketReplaced)
{
    asio::io_context io;
    const auto path = temp_socket_path("stale");
    {
        // Bound but closed without unlink: what a crashed server leaves.
        asio::local::stream_protocol::acceptor stale(io,
                                                     asio::local::stream_protocol::endpoint(path));
    }
    auto acceptor = open_unix_listener(io.get_executor(), path, 0600);
    EXPECT_EQ(name_listener(acceptor).unix_path, path);
    ::unlink(path.c_str());
}

TEST(InheritedListener, AdoptsListeningTcpSocket)
{
    asio::io_context io;
    tcp::acceptor original(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    const auto port = original.local_endpoint().port();
    const int fd = ::dup(original.native_handle());
    auto adopted = adopt_listener(io.get_executor(), fd);
    EXPECT_EQ(name_listener(adopted).port, port);
}

TEST(InheritedListener, RefusesNonListeningSocket)
{
    asio::io_context io;
    tcp::socket unconnected(io);
    unconnected.open(tcp::v4());
    EXPECT_THROW(adopt_listener(io.get_executor(), unconnected.native_handle()), startup_error);
    const int file = ::open("/dev/null", O_RDONLY);
    EXPECT_THROW(adopt_listener(io.get_executor(), file), startup_error);
    ::close(file);
}

} // namespace
} // namespace websockify::net
