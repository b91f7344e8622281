#include "websockify/wrap/supervisor.hpp"

#include "websockify/log/log.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/wrap/exit_status.hpp"
#include "websockify/wrap/program_target.hpp"
#include "websockify/wrap/read_port_report.hpp"
#include "websockify/wrap/spawn_program.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace websockify::wrap
{
namespace
{

using namespace std::chrono_literals;
using std::chrono::steady_clock;

/// How long after SIGKILL we still wait for the groups to go.
constexpr auto kill_wait = 1s;

/// "0.1 s", "1.6 s", "10 s": the backoff delays are whole tenths.
std::string seconds_text(std::chrono::milliseconds delay)
{
    const auto tenths = delay.count() / 100;
    auto text = std::to_string(tenths / 10);
    if (tenths % 10 != 0)
    {
        text += "." + std::to_string(tenths % 10);
    }
    return text + " s";
}

/// A pipe whose ends are closed when it goes out of scope (or earlier, by close_write()).
class report_pipe
{
public:
    report_pipe()
    {
        if (::pipe2(ends_.data(), O_CLOEXEC) != 0)
        {
            throw net::startup_error(std::string("cannot create the port report pipe: ") +
                                     std::strerror(errno)); // NOLINT(concurrency-mt-unsafe)
        }
    }
    report_pipe(const report_pipe&) = delete;
    report_pipe& operator=(const report_pipe&) = delete;
    ~report_pipe()
    {
        close_write();
        ::close(ends_[0]);
    }
    int read_end() const noexcept { return ends_[0]; }
    int write_end() const noexcept { return ends_[1]; }
    /// Only the program must hold the write end, so that its exit reads as end of file.
    void close_write() noexcept
    {
        if (ends_[1] >= 0)
        {
            ::close(ends_[1]);
            ends_[1] = -1;
        }
    }

private:
    std::array<int, 2> ends_{-1, -1};
};

} // namespace

supervisor::supervisor(const asio::any_io_executor& executor, const config::wrap_options& options,
                       std::filesystem::path rebind_library)
    : child_exits_(executor, SIGCHLD), options_(options),
      rebind_library_(std::move(rebind_library)), command_text_(command_text(options.command))
{
    // Without it a daemonizing program's child would be adopted by init, and its exit could
    // not be seen when waiting for the group to end. Best effort: the group is signalled
    // either way.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
}

supervisor::~supervisor()
{
    reap();
    signal_groups(SIGKILL);
    if (program_)
    {
        // SIGKILL cannot be ignored: this wait ends promptly.
        int status = 0;
        ::waitpid(*program_, &status, 0);
    }
}

std::error_code supervisor::spawn(const rebind_request& request, int inherited_fd)
{
    log::server_info("Starting '" + command_text_ + "'");
    spawn_request program;
    program.argv = options_.command;
    program.environment =
        make_program_environment(current_environment(), rebind_library_.string(), request);
    program.inherited_fd = inherited_fd;
    const auto pid = spawn_program(program);
    if (!pid)
    {
        return pid.error();
    }
    program_ = *pid;
    exit_status_.reset();
    groups_.push_back(*pid);
    started_at_ = steady_clock::now();
    note_running();
    return {};
}

void supervisor::start(rebind_move ports)
{
    ports_ = ports;
    if (const auto failure = spawn(ports_, -1))
    {
        throw net::startup_error("cannot start '" + command_text_ + "': " + failure.message());
    }
}

port_report supervisor::start_and_read_report(std::chrono::milliseconds limit)
{
    report_pipe pipe;
    if (const auto failure = spawn(rebind_report{inherited_fd_number}, pipe.write_end()))
    {
        throw net::startup_error("cannot start '" + command_text_ + "': " + failure.message());
    }
    pipe.close_write();
    const auto outcome = read_port_report(pipe.read_end(), limit);
    switch (outcome.status)
    {
    case report_status::reported:
        ports_ = rebind_move{outcome.ports.public_port, outcome.ports.loopback_port};
        log::server_info("  - '" + command_text_ + "' asked for port " +
                         std::to_string(outcome.ports.public_port) + ", moved to loopback port " +
                         std::to_string(outcome.ports.loopback_port));
        return outcome.ports;
    case report_status::closed_without_report:
        break;
    case report_status::timed_out:
        throw net::startup_error("'" + command_text_ + "' did not listen on a port within " +
                                 seconds_text(limit));
    case report_status::malformed:
        throw net::startup_error("unexpected port report from rebind.so: '" + outcome.text + "'");
    }
    // The pipe reads as closed as soon as the program's descriptors are; its exit status
    // follows a moment later.
    for (int i = 0; i < 50 && program_; ++i)
    {
        reap();
        if (program_)
        {
            std::this_thread::sleep_for(10ms);
        }
    }
    if (exit_status_)
    {
        throw net::startup_error("'" + command_text_ + "' " + describe_wait_status(*exit_status_) +
                                 " before listening on a port");
    }
    throw net::startup_error("'" + command_text_ +
                             "' closed its REBIND_REPORT_FD descriptor before listening on a "
                             "port; give websockify the port to listen on (PORT -- PROGRAM)");
}

void supervisor::reap()
{
    for (;;)
    {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
        {
            continue;
        }
        if (pid <= 0)
        {
            break;
        }
        if (program_ && pid == *program_)
        {
            program_.reset();
            exit_status_ = status;
        }
    }
    std::erase_if(groups_, [](pid_t group) { return ::kill(-group, 0) != 0 && errno == ESRCH; });
    note_running();
}

void supervisor::note_running() noexcept
{
    // In ignore mode the program may have forked a daemon and exited: its group still serves.
    const bool group_serves = options_.mode == config::wrap_mode::ignore && !groups_.empty();
    running_.store(program_.has_value() || group_serves, std::memory_order_relaxed);
}

void supervisor::signal_groups(int number) const
{
    for (const pid_t group : groups_)
    {
        ::kill(-group, number);
        if (number == SIGTERM)
        {
            // A stopped process would only see SIGTERM once continued.
            ::kill(-group, SIGCONT);
        }
    }
}

net::awaitable<std::optional<int>> supervisor::wait_for_exit()
{
    for (;;)
    {
        reap();
        if (!program_ && exit_status_)
        {
            co_return std::exchange(exit_status_, std::nullopt);
        }
        if (!program_)
        {
            // Nothing runs (ignore mode after an exit): wait for cancellation only.
            co_await reap_forever();
            co_return std::nullopt;
        }
        auto [ec, number] = co_await child_exits_.async_wait(net::use_tuple);
        if (ec)
        {
            co_return std::nullopt; // cancelled: websockify is stopping
        }
    }
}

net::awaitable<void> supervisor::reap_forever()
{
    for (;;)
    {
        reap();
        auto [ec, number] = co_await child_exits_.async_wait(net::use_tuple);
        if (ec)
        {
            co_return;
        }
    }
}

net::awaitable<bool> supervisor::respawn(std::string why)
{
    asio::steady_timer pause(child_exits_.get_executor());
    for (;;)
    {
        const auto delay = backoff_.next_delay(steady_clock::now() - started_at_);
        log::server_info(why + ". Restarting in " + seconds_text(delay));
        pause.expires_after(delay);
        if (auto [ec] = co_await pause.async_wait(net::use_tuple); ec)
        {
            co_return false;
        }
        const auto failure = spawn(ports_, -1);
        if (!failure)
        {
            co_return true;
        }
        why = "Cannot start '" + command_text_ + "': " + failure.message();
        started_at_ = steady_clock::now();
    }
}

net::awaitable<int> supervisor::supervise()
{
    // No co_await inside a switch or a condition here: gcc 12 miscompiles some of those
    // coroutine shapes (an illegal instruction at resumption).
    for (;;)
    {
        const auto status = co_await wait_for_exit();
        if (!status)
        {
            co_return 0; // cancelled; the value is not used
        }
        // Python websockify's wording, with the status spelled out.
        const auto what = "Wrapped command exited (or daemon): '" + command_text_ + "' " +
                          describe_wait_status(*status);
        if (options_.mode == config::wrap_mode::exit)
        {
            log::server_info(what + ". Exiting with status " +
                             std::to_string(exit_code_of(*status)) + " (--wrap-mode=exit)");
            co_return exit_code_of(*status);
        }
        if (options_.mode == config::wrap_mode::ignore)
        {
            log::server_info(what + ". Still serving (--wrap-mode=ignore)");
            co_await reap_forever();
            co_return 0;
        }
        const bool restarted = co_await respawn(what);
        if (!restarted)
        {
            co_return 0;
        }
    }
}

net::awaitable<bool> supervisor::wait_until_groups_gone(steady_clock::duration limit)
{
    asio::steady_timer deadline(child_exits_.get_executor(), limit);
    for (;;)
    {
        reap();
        if (groups_.empty())
        {
            co_return true;
        }
        auto woke = co_await (child_exits_.async_wait(net::use_tuple) ||
                              deadline.async_wait(net::use_tuple));
        if (woke.index() == 1)
        {
            reap();
            co_return groups_.empty();
        }
    }
}

net::awaitable<void> supervisor::stop()
{
    reap();
    if (groups_.empty())
    {
        co_return;
    }
    log::server_info("Stopping '" + command_text_ + "' (SIGTERM to its process group)");
    signal_groups(SIGTERM);
    const bool ended = co_await wait_until_groups_gone(options_.stop_grace);
    if (ended)
    {
        co_return;
    }
    log::server_warn("'" + command_text_ + "' still running " + seconds_text(options_.stop_grace) +
                     " after SIGTERM: sending SIGKILL");
    signal_groups(SIGKILL);
    const bool killed = co_await wait_until_groups_gone(kill_wait);
    if (!killed)
    {
        log::server_warn("'" + command_text_ + "' did not end after SIGKILL");
    }
}

} // namespace websockify::wrap
