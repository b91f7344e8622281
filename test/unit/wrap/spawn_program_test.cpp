#include "websockify/wrap/spawn_program.hpp"

#include <array>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace websockify::wrap
{
namespace
{

/// Runs `script` with /bin/sh and waits for it; its wait status.
int run_shell(const std::string& script, std::vector<std::string> environment = {},
              int inherited_fd = -1)
{
    spawn_request request;
    request.argv = {"sh", "-c", script};
    request.environment = std::move(environment);
    request.environment.emplace_back("PATH=/usr/bin:/bin");
    request.inherited_fd = inherited_fd;
    const auto pid = spawn_program(request);
    EXPECT_TRUE(pid) << pid.error().message();
    if (!pid)
    {
        return -1;
    }
    int status = 0;
    EXPECT_EQ(::waitpid(*pid, &status, 0), *pid);
    return status;
}

TEST(WrapSpawnProgram, ReportsExitStatus)
{
    const int status = run_shell("exit 3");
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(WrapSpawnProgram, PassesTheEnvironment)
{
    const int status = run_shell(R"(test "$GREETING" = hello)", {"GREETING=hello"});
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(WrapSpawnProgram, LeadsItsOwnProcessGroup)
{
    spawn_request request;
    request.argv = {"sleep", "10"};
    request.environment = {"PATH=/usr/bin:/bin"};
    const auto pid = spawn_program(request);
    ASSERT_TRUE(pid) << pid.error().message();
    EXPECT_EQ(::getpgid(*pid), *pid);
    EXPECT_NE(::getpgid(*pid), ::getpgrp());
    ::kill(*pid, SIGKILL);
    int status = 0;
    ::waitpid(*pid, &status, 0);
}

TEST(WrapSpawnProgram, SigpipeIsBackToDefault)
{
    const auto previous = std::signal(SIGPIPE, SIG_IGN);
    // SigIgn is the mask of ignored signals (hex); SIGPIPE (13) is bit 12, 0x1000.
    const int status = run_shell(R"(ignored=$(awk '/^SigIgn/ { print $2 }' /proc/self/status); )"
                                 R"(test $(( 0x$ignored & 4096 )) -eq 0)");
    std::signal(SIGPIPE, previous);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "SIGPIPE is still ignored in the program";
}

TEST(WrapSpawnProgram, InheritedDescriptorBecomesThree)
{
    std::array<int, 2> ends{};
    ASSERT_EQ(::pipe2(ends.data(), O_CLOEXEC), 0);
    const int status = run_shell("echo reported >&3", {}, ends[1]);
    ::close(ends[1]);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::array<char, 32> buffer{};
    const auto n = ::read(ends[0], buffer.data(), buffer.size());
    ::close(ends[0]);
    EXPECT_EQ(std::string(buffer.data(), n > 0 ? static_cast<std::size_t>(n) : 0), "reported\n");
}

TEST(WrapSpawnProgram, OtherDescriptorsAreClosed)
{
    // A descriptor without close-on-exec, as Asio's sockets are.
    std::array<int, 2> ends{};
    ASSERT_EQ(::pipe(ends.data()), 0);
    if (ends[1] > 9)
    {
        ::close(ends[0]);
        ::close(ends[1]);
        GTEST_SKIP() << "sh redirects only descriptors 0-9";
    }
    const int status = run_shell("exec 2>/dev/null; echo leaked >&" + std::to_string(ends[1]));
    ::close(ends[0]);
    ::close(ends[1]);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_NE(WEXITSTATUS(status), 0) << "the program could write to websockify's descriptor";
}

TEST(WrapSpawnProgram, MissingProgramIsAnError)
{
    spawn_request request;
    request.argv = {"/nonexistent/program"};
    const auto pid = spawn_program(request);
    ASSERT_FALSE(pid);
    EXPECT_EQ(pid.error(), std::errc::no_such_file_or_directory);
}

} // namespace
} // namespace websockify::wrap
