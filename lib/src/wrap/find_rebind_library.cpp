#include "websockify/wrap/find_rebind_library.hpp"

#include "websockify/net/listener.hpp"

#include <system_error>

namespace websockify::wrap
{

std::vector<std::filesystem::path>
rebind_library_candidates(const std::string& explicit_path,
                          const std::filesystem::path& executable_directory)
{
    if (!explicit_path.empty())
    {
        return {explicit_path};
    }
    if (executable_directory.empty())
    {
        return {};
    }
    return {executable_directory / "rebind.so",
            (executable_directory / ".." / "lib" / "websockify" / "rebind.so").lexically_normal()};
}

std::filesystem::path find_rebind_library(const std::string& explicit_path,
                                          const std::filesystem::path& executable_directory)
{
    const auto candidates = rebind_library_candidates(explicit_path, executable_directory);
    std::string looked_at;
    for (const auto& candidate : candidates)
    {
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec))
        {
            auto absolute = std::filesystem::absolute(candidate, ec);
            return ec ? candidate : absolute;
        }
        looked_at += (looked_at.empty() ? "" : ", ") + candidate.string();
    }
    if (!explicit_path.empty())
    {
        throw net::startup_error("--rebind-library '" + explicit_path + "' is not a file");
    }
    throw net::startup_error("cannot wrap a program: rebind.so not found (looked at " +
                             (looked_at.empty() ? std::string("no place") : looked_at) +
                             "); give its path with --rebind-library");
}

std::filesystem::path executable_directory()
{
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path{} : self.parent_path();
}

} // namespace websockify::wrap
