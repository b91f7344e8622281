#include "websockify/server/connection_lifetime.hpp"

#include "websockify/log/log.hpp"

#include <string>
#include <utility>

namespace websockify::server
{

counted_connection::counted_connection(session_tracker& sessions) : sessions_(&sessions)
{
    sessions_->connection_opened();
}

counted_connection::counted_connection(counted_connection&& other) noexcept
    : sessions_(std::exchange(other.sessions_, nullptr))
{
}

counted_connection& counted_connection::operator=(counted_connection&& other) noexcept
{
    if (this != &other)
    {
        if (sessions_ != nullptr)
        {
            sessions_->connection_closed();
        }
        sessions_ = std::exchange(other.sessions_, nullptr);
    }
    return *this;
}

counted_connection::~counted_connection()
{
    if (sessions_ != nullptr)
    {
        sessions_->connection_closed();
    }
}

void log_unexpected_end(std::uint64_t id, const std::exception_ptr& failure)
{
    try
    {
        std::rethrow_exception(failure);
    }
    catch (const std::exception& e)
    {
        log::server_error("connection " + std::to_string(id) +
                          " ended by an internal error: " + e.what());
    }
    catch (...)
    {
        log::server_error("connection " + std::to_string(id) + " ended by an unknown error");
    }
}

} // namespace websockify::server
