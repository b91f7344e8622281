#pragma once

#include <mutex>
#include <spdlog/sinks/base_sink.h>
#include <string>
#include <string_view>
#include <system_error>

namespace websockify::log
{

/// --log-file: each line appended with one write(2) to a file created with mode 0640 (less
/// if the umask says so). reopen() supports logrotate's move-then-HUP.
class log_file_sink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    /// Opens `path` (made absolute, so a daemon can reopen it after its chdir("/")). Throws
    /// destination_error when it cannot be opened for appending.
    explicit log_file_sink(std::string_view path);
    ~log_file_sink() override;
    log_file_sink(const log_file_sink&) = delete;
    log_file_sink& operator=(const log_file_sink&) = delete;

    /// Opens the path again and switches to it between two lines, so that no line is lost or
    /// split. On failure the old file stays in use and the reason is returned.
    std::error_code reopen();

    const std::string& path() const noexcept { return path_; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::string path_;
    int fd_ = -1;
};

} // namespace websockify::log
