#include "websockify/process/pid_file.hpp"

#include "websockify/net/listener.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <unistd.h>

namespace websockify::process
{
namespace
{

std::string read_all(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(PidFile, HoldsOurPidAndIsRemovedAtExit)
{
    const auto path = testing::TempDir() + "pid_file_test_" + std::to_string(::getpid());
    {
        pid_file file(path);
        EXPECT_EQ(read_all(path), std::to_string(::getpid()) + "\n");
    }
    EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

TEST(PidFile, AnotherProcessesFileIsKept)
{
    const auto path = testing::TempDir() + "pid_file_replaced_" + std::to_string(::getpid());
    {
        pid_file file(path);
        std::ofstream(path) << "1\n"; // a newer instance took the file over
    }
    EXPECT_EQ(read_all(path), "1\n");
    ::unlink(path.c_str());
}

TEST(PidFile, UnwritableDirectoryIsAStartupError)
{
    EXPECT_THROW(pid_file("/nonexistent-directory/websockify.pid"), net::startup_error);
}

} // namespace
} // namespace websockify::process
