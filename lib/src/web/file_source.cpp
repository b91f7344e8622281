#include "websockify/web/file_source.hpp"

#include "websockify/web/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace websockify::web
{
namespace
{

std::error_code last_error() noexcept
{
    return {errno, std::system_category()};
}

} // namespace

result<file_source> file_source::open(const std::filesystem::path& path)
{
    // O_NOFOLLOW: the path was checked as canonical, so a symlink here appeared since.
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    int fd = -1;
    do
    {
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg,hicpp-signed-bitwise)
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
    {
        return last_error();
    }
    struct stat info
    {
    };
    if (::fstat(fd, &info) != 0)
    {
        const auto ec = last_error();
        ::close(fd);
        return ec;
    }
    if (!S_ISREG(info.st_mode))
    {
        ::close(fd);
        return error::not_a_file;
    }
    const auto modified = std::chrono::sys_seconds{std::chrono::seconds{info.st_mtim.tv_sec}};
    return file_source(fd, static_cast<std::uint64_t>(info.st_size), modified);
}

file_source::file_source(file_source&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_), last_modified_(other.last_modified_)
{
}

file_source& file_source::operator=(file_source&& other) noexcept
{
    if (this != &other)
    {
        if (fd_ >= 0)
        {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        size_ = other.size_;
        last_modified_ = other.last_modified_;
    }
    return *this;
}

file_source::~file_source()
{
    if (fd_ >= 0)
    {
        ::close(fd_);
    }
}

result<std::size_t> file_source::read_at(std::uint64_t offset, std::span<std::byte> buffer) const
{
    for (;;)
    {
        const auto n = ::pread(fd_, buffer.data(), buffer.size(), static_cast<off_t>(offset));
        if (n >= 0)
        {
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR)
        {
            return last_error();
        }
    }
}

} // namespace websockify::web
