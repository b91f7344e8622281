#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/net/disposable_context.hpp"

#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace websockify::server
{

/// --threads N: where sessions run. The first of the N is the server's own io_context (accept,
/// signals, the wrapped program, metrics); the other N-1 each run on a thread of their own.
/// Each accepted client is given the next one in turn and stays there until it closes, so a
/// session's coroutines never run on two threads and need no locks of their own.
class session_threads
{
public:
    /// `count` 0 or 1: every session runs on `home` and no thread is started.
    session_threads(asio::io_context& home, std::size_t count);
    ~session_threads();
    session_threads(const session_threads&) = delete;
    session_threads& operator=(const session_threads&) = delete;
    session_threads(session_threads&&) = delete;
    session_threads& operator=(session_threads&&) = delete;

    /// The executor of each place sessions may run, `home` first.
    std::vector<asio::any_io_executor> executors() const;
    /// Where the next client goes (round robin). Called from the accept loop only.
    asio::any_io_executor next();
    std::size_t size() const noexcept { return 1 + extra_.size(); }

    /// Starts the extra threads; until then their sessions queue up.
    void start();
    /// Stops the extra threads, waits for them, then destroys the sessions still queued on
    /// them (whose frames refer to the server's state, so this must happen before that goes).
    /// Idempotent; also done by the destructor.
    void stop();

private:
    struct extra
    {
        net::disposable_context io;
        asio::executor_work_guard<asio::io_context::executor_type> busy{io.get_executor()};
        std::thread thread;
    };

    asio::io_context& home_;
    std::vector<std::unique_ptr<extra>> extra_;
    std::size_t turn_ = 0;
};

/// --threads 0: one thread per core the process may use (at least one).
std::size_t default_thread_count();

} // namespace websockify::server
