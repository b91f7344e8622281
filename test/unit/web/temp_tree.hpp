#pragma once

// A scratch directory tree for the web tests, removed when the test ends.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <unistd.h>

namespace websockify::web::test
{

/// base/ holds the tree; base/www is the web root, so files beside it are "outside".
class temp_tree
{
public:
    temp_tree() : base_(unique_base()), root_(base_ / "www")
    {
        std::filesystem::create_directories(root_);
    }
    temp_tree(const temp_tree&) = delete;
    temp_tree& operator=(const temp_tree&) = delete;
    ~temp_tree()
    {
        std::error_code ignored;
        std::filesystem::remove_all(base_, ignored);
    }

    const std::filesystem::path& base() const { return base_; }
    const std::filesystem::path& root() const { return root_; }

    /// Writes `content` to base/relative, creating parent directories.
    std::filesystem::path write(const std::filesystem::path& relative,
                                std::string_view content) const
    {
        auto path = base_ / relative;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        return path;
    }

    std::filesystem::path make_directory(const std::filesystem::path& relative) const
    {
        auto path = base_ / relative;
        std::filesystem::create_directories(path);
        return path;
    }

    /// base/relative becomes a symlink whose content is `target` (as given: absolute or not).
    void symlink(const std::filesystem::path& target, const std::filesystem::path& relative) const
    {
        std::filesystem::create_symlink(target, base_ / relative);
    }

private:
    static std::filesystem::path unique_base()
    {
        static std::atomic<unsigned> counter{0};
        std::random_device random;
        const auto name = "websockify-web-test-" + std::to_string(::getpid()) + "-" +
                          std::to_string(counter++) + "-" + std::to_string(random());
        return std::filesystem::temp_directory_path() / name;
    }

    std::filesystem::path base_;
    std::filesystem::path root_;
};

} // namespace websockify::web::test
