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

    /// The same wait for a plain handler, called with no error once the event is set, or with
    /// operation_aborted if the wait is cancelled through the handler's cancellation slot.
    template <class Handler> void async_wait(Handler handler)
    {
        auto slot = asio::get_associated_cancellation_slot(handler);
        if (set_)
        {
            asio::post(timer_.get_executor(),
                       [handler = std::move(handler)]() mutable { handler(std::error_code()); });
            return;
        }
        timer_.async_wait(asio::bind_cancellation_slot(
            slot, [this, handler = std::move(handler)](std::error_code ec) mutable
            { handler(set_ ? std::error_code() : ec); }));
    }

private:
    asio::steady_timer timer_;
    bool set_ = false;
};

} // namespace websockify::net
