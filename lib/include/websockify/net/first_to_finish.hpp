#pragma once

#include "websockify/net/asio.hpp"

#include <array>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <tuple>
#include <utility>

namespace websockify::net
{

/// A group of operations that run side by side on one thread until the first of them reports a
/// result. Then every other member is cancelled (terminal cancellation), and once all of them
/// have finished, the waiter resumes and takes that first result. Members are coroutines (spawn) or
/// plain asynchronous operations whose handler is bound to the member's slot (enlist, slot,
/// finished).
///
/// Why not Asio's `||`: each operator co_spawns both operands inside one more coroutine and a
/// parallel group, it takes no plain handlers, and an operand that throws leaves its siblings
/// running. An idle WebSocket session is mostly this machinery, so its size is a session's size.
///
/// Held by shared_ptr: members keep the group alive until they finish, so a member that an
/// io_context destroys without running (at shutdown) frees its part and nothing leaks.
template <class Result, std::size_t MaxMembers>
class first_to_finish : public std::enable_shared_from_this<first_to_finish<Result, MaxMembers>>
{
public:
    explicit first_to_finish(const asio::any_io_executor& executor)
        : all_finished_(executor, asio::steady_timer::time_point::max())
    {
    }

    /// Runs `task` as a member. A task that throws while no member has finished yet gives
    /// `on_failure(exception)` as its result; once another member has finished, a throw is just
    /// how a cancelled task ended and is ignored.
    template <class OnFailure> void spawn(awaitable<Result> task, OnFailure on_failure)
    {
        const auto member = enlist();
        asio::co_spawn(
            all_finished_.get_executor(), std::move(task),
            asio::bind_cancellation_slot(
                slot(member),
                [self = this->shared_from_this(), member, on_failure = std::move(on_failure)](
                    const std::exception_ptr& failure, Result result) mutable
                {
                    if (failure && self->first_)
                    {
                        self->finished(member, std::nullopt);
                    }
                    else if (failure)
                    {
                        self->finished(member, on_failure(failure));
                    }
                    else
                    {
                        self->finished(member, std::move(result));
                    }
                }));
    }

    /// A new member that is a plain asynchronous operation: bind its handler to slot(member),
    /// and have the handler call finished(member, ...) exactly once.
    std::size_t enlist()
    {
        if (enlisted_ == MaxMembers)
        {
            throw std::logic_error("first_to_finish: more members than declared");
        }
        running_[enlisted_] = true;
        ++running_count_;
        return enlisted_++;
    }

    asio::cancellation_slot slot(std::size_t member) { return signals_.at(member).slot(); }

    /// A member is done. Its result (nullopt: it has nothing to report, e.g. it was cancelled)
    /// ends the group if it is the first.
    void finished(std::size_t member, std::optional<Result> result)
    {
        running_.at(member) = false;
        --running_count_;
        if (result && !first_)
        {
            first_ = std::move(result);
            cancel_running();
        }
        if (running_count_ == 0)
        {
            all_finished_.cancel();
        }
    }

    /// Whether a member has reported the group's result yet.
    bool decided() const noexcept { return first_.has_value(); }

    /// Waiting for the group, without a coroutine frame of its own (an idle session waits
    /// here, so every frame counts per session):
    ///
    ///     while (!group->all_finished())
    ///     {
    ///         co_await group->wait_for_all();
    ///         group->cancel_running(); // woken early: the waiter itself was cancelled
    ///     }
    ///     auto result = group->take_result();
    ///
    /// A waiter that may be cancelled must not throw on cancellation meanwhile
    /// (asio::this_coro::throw_if_cancelled(false)): the members may use what its frame holds.
    bool all_finished() const noexcept { return running_count_ == 0; }
    awaitable<std::tuple<std::error_code>> wait_for_all()
    {
        return all_finished_.async_wait(use_tuple);
    }

    /// Cancels every member still running (terminal cancellation).
    void cancel_running()
    {
        for (std::size_t member = 0; member < enlisted_; ++member)
        {
            // Only running members: a finished one's slot may name an operation long gone.
            if (running_.at(member))
            {
                signals_.at(member).emit(asio::cancellation_type::terminal);
            }
        }
    }

    /// The first result (a default Result if no member gave one), once all have finished.
    Result take_result() { return first_ ? std::move(*first_) : Result{}; }

private:
    asio::steady_timer all_finished_; // cancelled when the last member finishes
    std::array<asio::cancellation_signal, MaxMembers> signals_;
    std::array<bool, MaxMembers> running_{};
    std::size_t enlisted_ = 0;
    std::size_t running_count_ = 0;
    std::optional<Result> first_;
};

} // namespace websockify::net
