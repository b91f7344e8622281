#pragma once

#include <string>

namespace websockify::process
{

/// --pid-file: holds this process's pid while it serves. Written atomically (a reader never
/// sees a half-written number) and removed at exit, unless another process has replaced it.
class pid_file
{
public:
    /// Throws net::startup_error naming the file when it cannot be written.
    explicit pid_file(std::string path);
    ~pid_file();
    pid_file(const pid_file&) = delete;
    pid_file& operator=(const pid_file&) = delete;
    pid_file(pid_file&&) = delete;
    pid_file& operator=(pid_file&&) = delete;

private:
    std::string path_;
    std::string content_;
};

} // namespace websockify::process
