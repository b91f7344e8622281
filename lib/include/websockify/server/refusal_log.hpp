#pragma once

#include "websockify/server/connection_limits.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace websockify::server
{

/// Refusals under a flood would flood the log too: one line a second at most, with a count
/// of those not shown. Shared by the accept loop (limits known at accept) and the connections
/// that learn their client's address later (--proxy-protocol, --trusted-proxy). Thread-safe.
class refusal_log
{
public:
    /// Logs (or counts) that `address` was refused by `hit`.
    void refused(limit_hit hit, const std::string& address, const connection_limits& limits);

private:
    std::mutex mutex_;
    std::chrono::steady_clock::time_point last_line_{};
    std::uint64_t unlogged_ = 0;
};

} // namespace websockify::server
