#pragma once

// A fresh directory for a test's files, removed when the test ends.

#include <filesystem>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <vector>

namespace websockify::log::test
{

class scratch_dir
{
public:
    scratch_dir()
    {
        auto pattern = (std::filesystem::temp_directory_path() / "websockify-log-XXXXXX").string();
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        if (::mkdtemp(name.data()) == nullptr)
        {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = name.data();
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    ~scratch_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

} // namespace websockify::log::test
