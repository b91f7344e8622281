#include "websockify/process/daemon.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace websockify::process
{
namespace
{

constexpr std::string_view ready_message = "ready";

[[noreturn]] void throw_errno(const char* what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

/// The launching process: waits for the daemon's report, prints a failure, and exits.
[[noreturn]] void wait_for_report(int from_daemon)
{
    std::string report;
    std::array<char, 512> chunk{};
    for (;;)
    {
        const auto n = ::read(from_daemon, chunk.data(), chunk.size());
        if (n > 0)
        {
            report.append(chunk.data(), static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        break;
    }
    if (report == ready_message)
    {
        std::_Exit(EXIT_SUCCESS);
    }
    if (report.empty())
    {
        report = "the daemon exited during startup";
    }
    std::fprintf(stderr, "websockify: %s\n", report.c_str());
    std::_Exit(EXIT_FAILURE);
}

void redirect_stdio_to_null()
{
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0)
    {
        return; // nothing better to do: keep the descriptors we have
    }
    for (int fd = 0; fd <= 2; ++fd)
    {
        ::dup2(null, fd);
    }
    if (null > 2)
    {
        ::close(null);
    }
}

} // namespace

daemon_link::daemon_link(daemon_link&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

daemon_link::~daemon_link()
{
    if (fd_ >= 0)
    {
        ::close(fd_);
    }
}

void daemon_link::send(std::string_view message)
{
    if (fd_ < 0)
    {
        return;
    }
    while (!message.empty())
    {
        const auto n = ::write(fd_, message.data(), message.size());
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n <= 0)
        {
            break;
        }
        message.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(fd_);
    fd_ = -1;
}

void daemon_link::ready()
{
    send(ready_message);
}

void daemon_link::failed(std::string_view why)
{
    send(why);
}

daemon_link detach()
{
    std::array<int, 2> pipe_fds{};
    if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0)
    {
        throw_errno("cannot create a pipe for --daemon");
    }
    const auto [from_daemon, to_launcher] = pipe_fds;
    const pid_t first = ::fork();
    if (first < 0)
    {
        throw_errno("cannot fork for --daemon");
    }
    if (first > 0)
    {
        ::close(to_launcher);
        int ignored = 0;
        ::waitpid(first, &ignored, 0); // the intermediate child exits at once
        wait_for_report(from_daemon);
    }
    ::close(from_daemon);
    ::setsid();
    const pid_t second = ::fork();
    if (second != 0)
    {
        // The session leader leaves; a fork failure reaches the launcher as "exited".
        std::_Exit(second < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
    }
    if (::chdir("/") != 0)
    {
        // "/" always exists; if it cannot be entered, staying where we are is harmless.
    }
    redirect_stdio_to_null();
    return daemon_link(to_launcher);
}

} // namespace websockify::process
