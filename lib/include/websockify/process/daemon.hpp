#pragma once

#include <string_view>

namespace websockify::process
{

/// The daemon's line back to the command that started it. Until ready() or failed() is
/// called, that command waits; so a busy port or a bad certificate found after detaching
/// still ends `websockify -D ...` with its message and exit status 1, not a silent success.
class daemon_link
{
public:
    explicit daemon_link(int fd) noexcept : fd_(fd) {}
    daemon_link(daemon_link&& other) noexcept;
    daemon_link& operator=(daemon_link&&) = delete;
    daemon_link(const daemon_link&) = delete;
    daemon_link& operator=(const daemon_link&) = delete;
    /// Closing without a report tells the launcher that startup failed.
    ~daemon_link();

    /// Startup finished: the launcher exits 0.
    void ready();
    /// Startup failed: the launcher prints `why` and exits 1.
    void failed(std::string_view why);

private:
    void send(std::string_view message);

    int fd_;
};

/// -D/--daemon: forks twice (the daemon is no session leader, so it can never get a
/// controlling terminal back), starts a new session, changes to / and points stdin, stdout
/// and stderr at /dev/null. Only the daemon returns; the original process waits for the
/// daemon's report and exits with it. Throws std::system_error when fork or pipe fail.
daemon_link detach();

} // namespace websockify::process
