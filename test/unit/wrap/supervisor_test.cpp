#include "websockify/wrap/supervisor.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <thread>

namespace websockify::wrap
{
namespace
{

using namespace std::chrono_literals;
namespace fs = std::filesystem;

/// A scratch directory for files the wrapped shell scripts write.
class WrapSupervisor : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "supervisor-test-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    /// Options running `script` with sh; no rebind.so is preloaded (none is needed here).
    static config::wrap_options shell(const std::string& script, config::wrap_mode mode)
    {
        config::wrap_options options;
        options.command = {"sh", "-c", script};
        options.mode = mode;
        return options;
    }

    std::string file(const std::string& name) const { return (dir_ / name).string(); }

    /// The pid a script wrote with `echo $$ > FILE`, once it is there (bounded wait).
    pid_t read_pid(const std::string& name) const
    {
        for (int i = 0; i < 500; ++i)
        {
            std::ifstream in(file(name));
            pid_t pid = 0;
            if (in >> pid)
            {
                return pid;
            }
            std::this_thread::sleep_for(10ms);
        }
        ADD_FAILURE() << "the program did not write " << name;
        return 0;
    }

    std::size_t count_lines(const std::string& name) const
    {
        std::ifstream in(file(name));
        std::size_t lines = 0;
        for (std::string line; std::getline(in, line);)
        {
            ++lines;
        }
        return lines;
    }

    fs::path dir_;
};

bool group_alive(pid_t pgid)
{
    return ::kill(-pgid, 0) == 0 || errno != ESRCH;
}

/// supervise() raced against `limit`: the status when supervise() ended first.
net::awaitable<void> supervise_for(supervisor& program, std::chrono::milliseconds limit,
                                   std::optional<int>& status)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    auto ended = co_await (program.supervise() || timer.async_wait(net::use_tuple));
    if (ended.index() == 0)
    {
        status = std::get<0>(ended);
    }
    co_await program.stop();
}

std::optional<int> run_supervised(supervisor& program, asio::io_context& io,
                                  std::chrono::milliseconds limit)
{
    std::optional<int> status;
    asio::co_spawn(io, supervise_for(program, limit, status), asio::detached);
    io.run();
    return status;
}

TEST_F(WrapSupervisor, ExitModeEndsWithTheProgramStatus)
{
    asio::io_context io;
    supervisor program(io.get_executor(), shell("exit 5", config::wrap_mode::exit), "");
    program.start(rebind_move{1, 2});
    EXPECT_EQ(run_supervised(program, io, 10s), 5);
}

TEST_F(WrapSupervisor, ExitModeReportsSignalAs128PlusN)
{
    asio::io_context io;
    supervisor program(io.get_executor(), shell("kill -KILL $$", config::wrap_mode::exit), "");
    program.start(rebind_move{1, 2});
    EXPECT_EQ(run_supervised(program, io, 10s), 128 + SIGKILL);
}

TEST_F(WrapSupervisor, IgnoreModeKeepsRunning)
{
    asio::io_context io;
    supervisor program(io.get_executor(), shell("exit 0", config::wrap_mode::ignore), "");
    program.start(rebind_move{1, 2});
    EXPECT_EQ(run_supervised(program, io, 300ms), std::nullopt);
}

TEST_F(WrapSupervisor, RespawnBacksOff)
{
    asio::io_context io;
    const auto script = "echo started >> " + file("starts") + "; exit 1";
    supervisor program(io.get_executor(), shell(script, config::wrap_mode::respawn), "");
    program.start(rebind_move{1, 2});
    // Starts at 0, 0.1, 0.3 and 0.7 s; the next would be at 1.5 s.
    EXPECT_EQ(run_supervised(program, io, 1'000ms), std::nullopt);
    const auto starts = count_lines("starts");
    EXPECT_GE(starts, 2U);
    EXPECT_LE(starts, 4U);
}

TEST_F(WrapSupervisor, StopEndsTheWholeGroup)
{
    asio::io_context io;
    const auto script = "sleep 30 & sleep 30 & echo $$ > " + file("pid") + "; wait";
    supervisor program(io.get_executor(), shell(script, config::wrap_mode::exit), "");
    program.start(rebind_move{1, 2});
    const auto pgid = read_pid("pid");
    ASSERT_TRUE(group_alive(pgid));
    asio::co_spawn(io, program.stop(), asio::detached);
    io.run();
    EXPECT_FALSE(group_alive(pgid));
}

TEST_F(WrapSupervisor, StopKillsAGroupThatIgnoresSigterm)
{
    asio::io_context io;
    auto options = shell("trap '' TERM; echo $$ > " + file("pid") + "; while :; do sleep 1; done",
                         config::wrap_mode::exit);
    options.stop_grace = 200ms;
    supervisor program(io.get_executor(), options, "");
    program.start(rebind_move{1, 2});
    const auto pgid = read_pid("pid");
    const auto started = std::chrono::steady_clock::now();
    asio::co_spawn(io, program.stop(), asio::detached);
    io.run();
    EXPECT_FALSE(group_alive(pgid));
    EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms);
}

TEST_F(WrapSupervisor, ShortFormReadsNoReportFromAProgramThatExits)
{
    asio::io_context io;
    supervisor program(io.get_executor(), shell("exit 4", config::wrap_mode::exit), "");
    try
    {
        program.start_and_read_report(5s);
        FAIL() << "expected startup_error";
    }
    catch (const std::exception& e)
    {
        EXPECT_NE(std::string(e.what()).find("exited with status 4 before listening"),
                  std::string::npos)
            << e.what();
    }
}

} // namespace
} // namespace websockify::wrap
