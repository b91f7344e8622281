#pragma once

#include "websockify/wrap/supervisor.hpp"

#include <atomic>
#include <string>

namespace websockify::server
{

/// What GET /readyz reports: ready while the public listener accepts and, when a program is
/// wrapped, that program runs. Atomic, so the metrics listener may live on any thread.
class readiness
{
public:
    /// `program` is the wrapped program's supervisor, or null; it must outlive this object.
    explicit readiness(const wrap::supervisor* program) : program_(program) {}

    /// The public listener accepts connections.
    void listening() noexcept { state_.store(phase::serving, std::memory_order_relaxed); }
    /// --run-once took its one session: the listener is closed, nobody else is served.
    void not_accepting() noexcept { state_.store(phase::closed, std::memory_order_relaxed); }
    /// A stop was requested: no new clients, live sessions drain (the shutdown grace period).
    void stopping() noexcept { state_.store(phase::stopping, std::memory_order_relaxed); }

    /// Empty when ready; otherwise why not, as one line for the 503's body.
    std::string not_ready_reason() const;

private:
    enum class phase
    {
        starting,
        serving,
        closed,
        stopping
    };

    const wrap::supervisor* program_;
    std::atomic<phase> state_{phase::starting};
};

} // namespace websockify::server
