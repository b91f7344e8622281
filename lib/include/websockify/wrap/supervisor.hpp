#pragma once

#include "websockify/config/config.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/wrap/port_report.hpp"
#include "websockify/wrap/program_environment.hpp"
#include "websockify/wrap/respawn_backoff.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <system_error>
#include <vector>

namespace websockify::wrap
{

/// The wrapped program (`websockify [PORT] -- PROGRAM ARGS`): starts it under rebind.so in its
/// own process group, applies --wrap-mode when it exits, and ends every group it started when
/// websockify stops. Lives on the server's io_context thread.
class supervisor
{
public:
    /// Takes SIGCHLD from now on, so that no exit is missed, and makes this process the reaper
    /// of the program's orphans (PR_SET_CHILD_SUBREAPER), so that their exits are seen too.
    supervisor(const asio::any_io_executor& executor, const config::wrap_options& options,
               std::filesystem::path rebind_library);
    supervisor(const supervisor&) = delete;
    supervisor& operator=(const supervisor&) = delete;
    /// SIGKILL to every group still alive: the last resort when stop() did not run (a startup
    /// failure after the program started).
    ~supervisor();

    /// Starts the program with its binds to `ports.old_port` moved to loopback:`ports.new_port`.
    /// Throws net::startup_error when it cannot be started.
    void start(rebind_move ports);

    /// The short form: starts the program in rebind.so's report mode and waits up to `limit`
    /// for the port it binds. Restarts (respawn) then move that port to the same loopback port.
    /// Throws net::startup_error when the program exits, closes the pipe or never binds.
    port_report start_and_read_report(std::chrono::milliseconds limit);

    /// Applies --wrap-mode to every exit of the program. Completes only in exit mode, with the
    /// status websockify should exit with (128 + N when signal N killed it); otherwise it runs
    /// until cancelled (the `||` with the server's other tasks).
    net::awaitable<int> supervise();

    /// SIGTERM to every process group started that is still alive, SIGKILL after the grace
    /// period; waits (bounded) until they are gone and reaps them.
    net::awaitable<void> stop();

    /// For /readyz: the program runs (in ignore mode, a process of its group, e.g. the daemon
    /// it forked, still runs). False between an exit and its respawn. Safe from any thread.
    bool running() const noexcept { return running_.load(std::memory_order_relaxed); }

private:
    /// Starts the program once; why it could not be started, or no error.
    std::error_code spawn(const rebind_request& request, int inherited_fd);
    /// Reaps every exited child; records the program's wait status and forgets empty groups.
    void reap();
    /// Updates running() from what reap() and spawn() learnt.
    void note_running() noexcept;
    /// The program's next wait status; nullopt when cancelled.
    net::awaitable<std::optional<int>> wait_for_exit();
    /// Waits out the backoff and starts the program again, retrying failed starts; false when
    /// cancelled. `why` opens the log line.
    net::awaitable<bool> respawn(std::string why);
    /// Reaps orphans until cancelled.
    net::awaitable<void> reap_forever();
    /// True once no process of any group started is left, false after `limit`.
    net::awaitable<bool> wait_until_groups_gone(std::chrono::steady_clock::duration limit);
    void signal_groups(int number) const;

    asio::signal_set child_exits_;
    config::wrap_options options_;
    std::filesystem::path rebind_library_;
    std::string command_text_;
    rebind_move ports_;
    std::optional<pid_t> program_;   ///< the running program; its pgid is its pid
    std::optional<int> exit_status_; ///< waitpid() status of the last run, once reaped
    std::vector<pid_t> groups_;      ///< process groups started and maybe still alive
    std::chrono::steady_clock::time_point started_at_;
    respawn_backoff backoff_;
    std::atomic<bool> running_{false};
};

} // namespace websockify::wrap
