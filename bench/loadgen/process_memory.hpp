#pragma once

#include <cstdint>

namespace bench
{

/// Memory of a process and all its descendants (Python websockify and socat fork one child
/// per connection), from /proc.
struct process_memory
{
    std::uint64_t processes = 0;
    std::uint64_t rss_kib = 0; ///< sum of VmRSS (/proc/PID/status): shared pages count again
    std::uint64_t pss_kib = 0; ///< sum of Pss (/proc/PID/smaps_rollup): shared pages split
};

/// Reads `pid` and its descendants; all zero when `pid` does not exist.
process_memory read_process_memory(int pid);

} // namespace bench
