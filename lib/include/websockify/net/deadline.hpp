#pragma once

#include "websockify/net/asio.hpp"

#include <chrono>
#include <memory>

namespace websockify::net
{

/// A time limit for plain asynchronous operations (a connect, a read), without with_timeout's
/// `||`, which co_spawns both sides and a parallel group: on a handshake that was most of the
/// bookkeeping. When the time is up the timer cuts the operation running under token(); a
/// caller that loops checks expired() before starting the next one.
///
/// An operation under token() listens to the deadline only, not to the cancellation of the
/// coroutine that awaits it: use it where nothing above cancels (the handshake, the close).
class deadline
{
public:
    deadline(const asio::any_io_executor& executor, std::chrono::steady_clock::duration limit)
        : state_(std::make_shared<state>()), timer_(executor, limit)
    {
        // The state outlives this object: an expiry queued just before the destructor's
        // cancel still runs, and must find the signal alive.
        timer_.async_wait(
            [cut = state_](const std::error_code& ec)
            {
                if (!ec)
                {
                    cut->expired = true;
                    cut->signal.emit(asio::cancellation_type::terminal);
                }
            });
    }
    deadline(const deadline&) = delete;
    deadline& operator=(const deadline&) = delete;
    deadline(deadline&&) = delete;
    deadline& operator=(deadline&&) = delete;
    ~deadline() { timer_.cancel(); }

    /// The completion token of an operation under this deadline: results as a tuple.
    auto token() const { return asio::bind_cancellation_slot(state_->signal.slot(), use_tuple); }

    bool expired() const noexcept { return state_->expired; }

private:
    struct state
    {
        asio::cancellation_signal signal;
        bool expired = false;
    };
    std::shared_ptr<state> state_;
    asio::steady_timer timer_;
};

} // namespace websockify::net
