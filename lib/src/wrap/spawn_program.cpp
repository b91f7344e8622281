#include "websockify/wrap/spawn_program.hpp"

#include <csignal>
#include <spawn.h>

namespace websockify::wrap
{
namespace
{

/// posix_spawn's attribute and file-action objects, destroyed on every path.
class spawn_setup
{
public:
    spawn_setup()
    {
        ::posix_spawnattr_init(&attributes_);
        ::posix_spawn_file_actions_init(&actions_);
    }
    spawn_setup(const spawn_setup&) = delete;
    spawn_setup& operator=(const spawn_setup&) = delete;
    ~spawn_setup()
    {
        ::posix_spawn_file_actions_destroy(&actions_);
        ::posix_spawnattr_destroy(&attributes_);
    }

    posix_spawnattr_t* attributes() noexcept { return &attributes_; }
    posix_spawn_file_actions_t* actions() noexcept { return &actions_; }

private:
    posix_spawnattr_t attributes_{};
    posix_spawn_file_actions_t actions_{};
};

/// NUL-terminated pointer arrays into `strings`, as exec wants them.
std::vector<char*> c_strings(const std::vector<std::string>& strings)
{
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (const auto& s : strings)
    {
        pointers.push_back(const_cast<char*>(s.c_str())); // exec never writes to them
    }
    pointers.push_back(nullptr);
    return pointers;
}

int configure(spawn_setup& setup, const spawn_request& request)
{
    // The whole group can then be signalled when websockify stops.
    int failed = ::posix_spawnattr_setpgroup(setup.attributes(), 0);
    // websockify ignores SIGPIPE, and an ignored signal stays ignored across exec.
    sigset_t restored{};
    sigemptyset(&restored);
    sigaddset(&restored, SIGPIPE);
    failed = failed != 0 ? failed : ::posix_spawnattr_setsigdefault(setup.attributes(), &restored);
    failed = failed != 0 ? failed
                         : ::posix_spawnattr_setflags(
                               setup.attributes(),
                               static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF));
    int first_closed = inherited_fd_number;
    if (request.inherited_fd >= 0)
    {
        // dup2 onto itself clears close-on-exec (POSIX 2024, glibc >= 2.29).
        failed = failed != 0 ? failed
                             : ::posix_spawn_file_actions_adddup2(
                                   setup.actions(), request.inherited_fd, inherited_fd_number);
        first_closed = inherited_fd_number + 1;
    }
    // Asio opens sockets without SOCK_CLOEXEC: close everything the program must not hold.
    return failed != 0 ? failed
                       : ::posix_spawn_file_actions_addclosefrom_np(setup.actions(), first_closed);
}

} // namespace

result<pid_t> spawn_program(const spawn_request& request)
{
    if (request.argv.empty())
    {
        return std::make_error_code(std::errc::invalid_argument);
    }
    spawn_setup setup;
    if (const int failed = configure(setup, request); failed != 0)
    {
        return std::error_code(failed, std::generic_category());
    }
    const auto argv = c_strings(request.argv);
    const auto environment = c_strings(request.environment);
    pid_t pid = 0;
    const int failed = ::posix_spawnp(&pid, argv.front(), setup.actions(), setup.attributes(),
                                      argv.data(), environment.data());
    if (failed != 0)
    {
        return std::error_code(failed, std::generic_category());
    }
    return pid;
}

} // namespace websockify::wrap
