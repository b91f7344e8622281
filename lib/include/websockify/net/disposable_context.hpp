#pragma once

#include "websockify/net/asio.hpp"

namespace websockify::net
{

/// An io_context that can destroy its pending work on demand. Connections cut at the end of a
/// drain are coroutine frames still queued in it; they refer to the server's state (session
/// tracker, recorder, plugins), so they must go before that does, not in ~io_context.
class disposable_context : public asio::io_context
{
public:
    /// One thread runs it (a hint Asio uses to keep its own handlers on a private queue);
    /// other threads may still post to it.
    disposable_context() : asio::io_context(1) {}
    void destroy_pending_work() { shutdown(); }
};

} // namespace websockify::net
