#include "websockify/server/session_threads.hpp"

#include "websockify/log/log.hpp"

#include <exception>
#include <pthread.h>
#include <sched.h>
#include <string>

namespace websockify::server
{

session_threads::session_threads(asio::io_context& home, std::size_t count) : home_(home)
{
    for (std::size_t i = 1; i < count; ++i)
    {
        extra_.push_back(std::make_unique<extra>());
    }
}

session_threads::~session_threads()
{
    stop();
}

std::vector<asio::any_io_executor> session_threads::executors() const
{
    std::vector<asio::any_io_executor> all{home_.get_executor()};
    for (const auto& one : extra_)
    {
        all.emplace_back(one->io.get_executor());
    }
    return all;
}

asio::any_io_executor session_threads::next()
{
    const auto chosen = turn_;
    turn_ = (turn_ + 1) % size();
    if (chosen == 0)
    {
        return home_.get_executor();
    }
    return extra_[chosen - 1]->io.get_executor();
}

void session_threads::start()
{
    for (std::size_t i = 0; i < extra_.size(); ++i)
    {
        auto& one = *extra_[i];
        if (one.thread.joinable())
        {
            continue;
        }
        // Named for `top -H` and /proc/PID/task/*/comm: ws-session-2 is the second thread.
        const auto name = "ws-session-" + std::to_string(i + 2);
        one.thread = std::thread(
            [&io = one.io, name]
            {
                ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
                try
                {
                    io.run();
                }
                catch (const std::exception& e)
                {
                    // Sessions catch their own failures; this is a bug, and the thread's
                    // sessions are lost, but the rest of the server keeps serving.
                    log::server_error(std::string("session thread stopped by an error: ") +
                                      e.what());
                }
            });
    }
}

void session_threads::stop()
{
    for (auto& one : extra_)
    {
        one->busy.reset();
        one->io.stop();
    }
    for (auto& one : extra_)
    {
        if (one->thread.joinable())
        {
            one->thread.join();
        }
    }
    for (auto& one : extra_)
    {
        one->io.destroy_pending_work();
    }
}

std::size_t default_thread_count()
{
    // The affinity mask, not the machine: a container limited by cpuset gets what it may use.
    cpu_set_t usable;
    CPU_ZERO(&usable);
    if (::sched_getaffinity(0, sizeof(usable), &usable) == 0)
    {
        const int count = CPU_COUNT(&usable);
        if (count > 0)
        {
            return static_cast<std::size_t>(count);
        }
    }
    const auto cores = std::thread::hardware_concurrency();
    return cores > 0 ? cores : 1;
}

} // namespace websockify::server
