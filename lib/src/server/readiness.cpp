#include "websockify/server/readiness.hpp"

namespace websockify::server
{

std::string readiness::not_ready_reason() const
{
    switch (state_.load(std::memory_order_relaxed))
    {
    case phase::starting:
        return "not listening yet";
    case phase::closed:
        return "--run-once: the one session is running, new connections are refused";
    case phase::stopping:
        return "shutting down: new connections are refused while sessions drain";
    case phase::serving:
        break;
    }
    if (program_ != nullptr && !program_->running())
    {
        // Between an exit and its respawn, or after an exit in ignore mode.
        return "the wrapped program is not running";
    }
    return {};
}

} // namespace websockify::server
