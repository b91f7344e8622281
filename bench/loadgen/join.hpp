#pragma once

#include "peer.hpp"

#include <cstddef>
#include <exception>

namespace bench
{

/// Waits for coroutines spawned with `run_all`.
struct join_state
{
    explicit join_state(const asio::any_io_executor& executor) : done(executor) {}
    std::size_t remaining = 0;
    std::exception_ptr first_error;
    asio::steady_timer done; ///< cancelled when `remaining` reaches zero
};

/// Runs make(0) ... make(count - 1) concurrently on the current executor and returns when all
/// have finished, rethrowing the first exception. `make` returns an awaitable<void>; it is an
/// ordinary function object, never itself a coroutine.
template <class Make> awaitable<void> run_all(std::size_t count, Make make)
{
    const auto executor = co_await asio::this_coro::executor;
    join_state join(executor);
    join.remaining = count;
    for (std::size_t i = 0; i < count; ++i)
    {
        asio::co_spawn(executor, make(i),
                       [&join](std::exception_ptr error)
                       {
                           if (error && !join.first_error)
                           {
                               join.first_error = error;
                           }
                           if (--join.remaining == 0)
                           {
                               join.done.cancel();
                           }
                       });
    }
    while (join.remaining > 0)
    {
        join.done.expires_at(asio::steady_timer::time_point::max());
        co_await join.done.async_wait(use_tuple);
    }
    if (join.first_error)
    {
        std::rethrow_exception(join.first_error);
    }
}

} // namespace bench
