#pragma once

#include "websockify/net/asio.hpp"

#include <chrono>
#include <optional>

namespace websockify::net
{

/// Races `op` against a timer; nullopt when the timer won (op was cancelled).
/// `op` must report failure as a value (use_tuple), never by throwing: `||` only cancels the
/// sibling of an operand that completes normally. Asio 1.22 has no cancel_after.
template <class T>
awaitable<std::optional<T>> with_timeout(awaitable<T> op, std::chrono::steady_clock::duration limit)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    auto winner = co_await (std::move(op) || timer.async_wait(use_tuple));
    if (winner.index() == 1)
    {
        co_return std::nullopt;
    }
    co_return std::get<0>(std::move(winner));
}

/// The same for an operation without a result: true when it finished before the limit.
inline awaitable<bool> with_timeout(awaitable<void> op, std::chrono::steady_clock::duration limit)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    auto winner = co_await (std::move(op) || timer.async_wait(use_tuple));
    co_return winner.index() == 0;
}

} // namespace websockify::net
