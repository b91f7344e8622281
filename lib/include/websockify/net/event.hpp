#pragma once

#include "websockify/net/asio.hpp"

namespace websockify::net
{

/// A one-shot broadcast: any number of coroutines wait until set() is called once. Waiting
/// after set() returns at once. Single-threaded: use it from its executor only.
class event
{
public:
    explicit event(const asio::any_io_executor& executor)
        : timer_(executor, asio::steady_timer::time_point::max())
    {
    }

    void set()
    {
        if (!set_)
        {
            set_ = true;
            timer_.cancel();
        }
    }

    bool is_set() const noexcept { return set_; }

    /// Completes when the event is set, or when the waiting operation is cancelled (e.g. by
    /// `||`); callers that must tell the two apart check is_set(). Never throws for that.
    awaitable<void> wait()
    {
        if (!set_)
        {
            co_await timer_.async_wait(use_tuple);
        }
    }

private:
    asio::steady_timer timer_;
    bool set_ = false;
};

} // namespace websockify::net
