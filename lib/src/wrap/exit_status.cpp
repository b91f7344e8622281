#include "websockify/wrap/exit_status.hpp"

#include <cstring>
#include <sys/wait.h>

namespace websockify::wrap
{

int exit_code_of(int wait_status) noexcept
{
    if (WIFSIGNALED(wait_status))
    {
        return 128 + WTERMSIG(wait_status);
    }
    return WEXITSTATUS(wait_status);
}

std::string describe_wait_status(int wait_status)
{
    if (WIFSIGNALED(wait_status))
    {
        const int number = WTERMSIG(wait_status);
        const char* name = strsignal(number); // NOLINT(concurrency-mt-unsafe): one thread
        return "killed by signal " + std::to_string(number) + " (" +
               (name != nullptr ? name : "unknown") + ")";
    }
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
}

} // namespace websockify::wrap
