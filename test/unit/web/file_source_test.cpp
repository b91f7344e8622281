#include "websockify/web/file_source.hpp"

#include "temp_tree.hpp"
#include "websockify/web/error.hpp"

#include <array>
#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>

namespace websockify::web
{
namespace
{

std::string as_text(std::span<const std::byte> bytes)
{
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

TEST(WebFileSource, ReportsSizeAndModificationTime)
{
    const test::temp_tree tree;
    const auto path = tree.write("www/a.txt", "0123456789");
    const std::chrono::sys_seconds when{std::chrono::sys_days{std::chrono::year{2020} / 5 / 17}};
    std::filesystem::last_write_time(path, std::chrono::file_clock::from_sys(when));
    auto file = file_source::open(path);
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_EQ(file->size(), 10U);
    EXPECT_EQ(file->last_modified(), when);
}

TEST(WebFileSource, ReadsAtOffsets)
{
    const test::temp_tree tree;
    auto file = file_source::open(tree.write("www/a.txt", "0123456789"));
    ASSERT_TRUE(file);
    std::array<std::byte, 4> buffer{};
    auto n = file->read_at(3, buffer);
    ASSERT_TRUE(n);
    EXPECT_EQ(as_text(std::span(buffer).first(*n)), "3456");
    n = file->read_at(8, buffer);
    ASSERT_TRUE(n);
    EXPECT_EQ(as_text(std::span(buffer).first(*n)), "89");
    n = file->read_at(10, buffer);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0U);
}

TEST(WebFileSource, MovesOwnership)
{
    const test::temp_tree tree;
    auto file = file_source::open(tree.write("www/a.txt", "xyz"));
    ASSERT_TRUE(file);
    file_source moved = std::move(*file);
    std::array<std::byte, 3> buffer{};
    const auto n = moved.read_at(0, buffer);
    ASSERT_TRUE(n);
    EXPECT_EQ(as_text(buffer), "xyz");
}

TEST(WebFileSource, RefusesMissingFilesDirectoriesAndDevices)
{
    const test::temp_tree tree;
    EXPECT_EQ(file_source::open(tree.root() / "missing").error(),
              std::errc::no_such_file_or_directory);
    EXPECT_EQ(file_source::open(tree.root()).error(), error::not_a_file);
    EXPECT_EQ(file_source::open("/dev/null").error(), error::not_a_file);
}

TEST(WebFileSource, DoesNotFollowAFinalSymlink)
{
    const test::temp_tree tree;
    tree.write("www/a.txt", "a");
    tree.symlink("a.txt", "www/link");
    EXPECT_FALSE(file_source::open(tree.root() / "link"));
}

TEST(WebFileSource, DoesNotBlockOnAFifo)
{
    const test::temp_tree tree;
    const auto fifo = tree.root() / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(file_source::open(fifo).error(), error::not_a_file);
}

} // namespace
} // namespace websockify::web
