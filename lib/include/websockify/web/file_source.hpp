#pragma once

#include "websockify/error/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace websockify::web
{

/// A regular file open for reading. Size and modification time come from the open descriptor,
/// so they describe exactly the bytes that are read. Move-only; closes on destruction.
class file_source
{
public:
    /// Opens `path` read-only without following a final symlink and without blocking on a FIFO.
    /// Errors: the errno of open(2)/fstat(2), or web::error::not_a_file.
    static result<file_source> open(const std::filesystem::path& path);

    file_source(file_source&& other) noexcept;
    file_source& operator=(file_source&& other) noexcept;
    file_source(const file_source&) = delete;
    file_source& operator=(const file_source&) = delete;
    ~file_source();

    std::uint64_t size() const noexcept { return size_; }
    std::chrono::sys_seconds last_modified() const noexcept { return last_modified_; }

    /// Reads up to `buffer.size()` bytes at `offset` (pread(2)); 0 at the end of the file.
    result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> buffer) const;

private:
    file_source(int fd, std::uint64_t size, std::chrono::sys_seconds last_modified) noexcept
        : fd_(fd), size_(size), last_modified_(last_modified)
    {
    }

    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::chrono::sys_seconds last_modified_{};
};

} // namespace websockify::web
