#include "websockify/process/fd_limit.hpp"

#include <algorithm>
#include <sys/resource.h>

namespace websockify::process
{

std::size_t raise_fd_limit(std::size_t wanted)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
    {
        return 1024;
    }
    constexpr rlim_t comfortable = 65'536;
    const rlim_t target = std::min(limit.rlim_max, std::max(comfortable, rlim_t{wanted}));
    if (limit.rlim_cur < target)
    {
        rlimit raised = limit;
        raised.rlim_cur = target;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
        {
            limit = raised;
        }
    }
    return static_cast<std::size_t>(std::min(limit.rlim_cur, rlim_t{1U << 24U}));
}

} // namespace websockify::process
