#include "websockify/process/memory_release.hpp"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace websockify::process
{

void memory_release::live_connections(std::size_t live)
{
    high_point_ = std::max(high_point_, live);
    if (high_point_ >= worthwhile_high_point && live <= high_point_ / 4)
    {
        release_freed_heap();
        ++trims_;
        high_point_ = live;
    }
}

void release_freed_heap()
{
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

} // namespace websockify::process
