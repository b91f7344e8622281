#pragma once

#include "websockify/net/asio.hpp"

#include <type_traits>
#include <utility>

namespace websockify::token_plugins
{

/// Runs `work()` (a blocking call: HTTP, Redis) on a thread of `pool` and resumes the awaiting
/// coroutine on its own executor with the result, so the server thread never waits. The work
/// cannot be interrupted: it must bound its own time (e.g. a socket timeout).
template <class Function>
net::awaitable<std::invoke_result_t<Function&>> run_blocking(asio::thread_pool& pool, Function work)
{
    using result_type = std::invoke_result_t<Function&>;
    // Named, not a temporary in the co_await expression: gcc 12 destroys such temporaries twice
    // (GCC PR 99576). Callers must likewise pass `work` as a named object, not a temporary.
    auto on_worker = [work = std::move(work)]() mutable -> net::awaitable<result_type>
    { co_return work(); };
    co_return co_await asio::co_spawn(pool.get_executor(), std::move(on_worker),
                                      asio::use_awaitable);
}

} // namespace websockify::token_plugins
