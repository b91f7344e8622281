#include "websockify/log/log_file_sink.hpp"

#include "websockify/log/log.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <utility>

namespace websockify::log
{
namespace
{

/// A descriptor open for appending, or -1 with errno set.
int open_for_append(const std::string& path)
{
    // Log lines name clients and targets: not for every local user (0640, as logrotate's
    // usual `create 0640`).
    return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
}

std::string absolute(std::string_view path)
{
    std::error_code ignored;
    auto full = std::filesystem::absolute(path, ignored);
    return full.empty() ? std::string(path) : full.string();
}

} // namespace

log_file_sink::log_file_sink(std::string_view path) : path_(absolute(path))
{
    fd_ = open_for_append(path_);
    if (fd_ < 0)
    {
        const std::error_code error(errno, std::system_category());
        throw destination_error("cannot open log file '" + std::string(path) +
                                "': " + error.message());
    }
}

log_file_sink::~log_file_sink()
{
    ::close(fd_);
}

std::error_code log_file_sink::reopen()
{
    // Opened before taking the lock: a line being written meanwhile goes, whole, to the old
    // file, and the next one to the new file.
    const int fresh = open_for_append(path_);
    if (fresh < 0)
    {
        return {errno, std::system_category()};
    }
    const std::lock_guard lock(mutex_);
    ::close(std::exchange(fd_, fresh));
    return {};
}

void log_file_sink::sink_it_(const spdlog::details::log_msg& msg)
{
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    // One write(2) per line with O_APPEND: lines of concurrent writers (another process on the
    // same file, too) never interleave. The loop only finishes a write cut short by a signal.
    const char* next = line.data();
    auto left = line.size();
    while (left > 0)
    {
        const auto written = ::write(fd_, next, left);
        if (written < 0 && errno == EINTR)
        {
            continue;
        }
        if (written <= 0)
        {
            return; // disk full or similar: the line is lost, stderr still has it
        }
        next += written;
        left -= static_cast<std::size_t>(written);
    }
}

} // namespace websockify::log
