#pragma once

#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace websockify::token_plugins::detail
{

/// Connections (curl handles, Redis contexts) kept open between lookups. Each worker thread
/// takes one for the length of a lookup, so lookups never share a connection and need no lock
/// while they wait on the network; a connection that failed is dropped instead of given back,
/// so the next lookup opens a fresh one.
template <class Handle> class idle_handles
{
public:
    /// An idle handle, or nothing when the caller must open a new one.
    std::optional<Handle> take()
    {
        const std::lock_guard lock(mutex_);
        if (idle_.empty())
        {
            return std::nullopt;
        }
        auto handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
    }

    /// Keeps a handle that is known to work for the next lookup.
    void give_back(Handle handle)
    {
        const std::lock_guard lock(mutex_);
        idle_.push_back(std::move(handle));
    }

private:
    std::mutex mutex_;
    std::vector<Handle> idle_;
};

} // namespace websockify::token_plugins::detail
