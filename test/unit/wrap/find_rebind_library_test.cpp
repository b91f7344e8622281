#include "websockify/wrap/find_rebind_library.hpp"

#include "websockify/net/listener.hpp"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <string>

namespace websockify::wrap
{
namespace
{

namespace fs = std::filesystem;

/// An install tree, prefix/bin and prefix/lib/websockify, removed at the end of the test.
class WrapRebindLibraryTree : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "rebind-test-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        prefix_ = pattern;
        fs::create_directories(prefix_ / "bin");
        fs::create_directories(prefix_ / "lib" / "websockify");
    }
    void TearDown() override { fs::remove_all(prefix_); }

    static void touch(const fs::path& file) { std::ofstream(file) << "not really a library"; }

    fs::path prefix_;
};

TEST_F(WrapRebindLibraryTree, BesideTheExecutableFirst)
{
    touch(prefix_ / "bin" / "rebind.so");
    touch(prefix_ / "lib" / "websockify" / "rebind.so");
    EXPECT_EQ(find_rebind_library("", prefix_ / "bin"), prefix_ / "bin" / "rebind.so");
}

TEST_F(WrapRebindLibraryTree, ThenTheInstallLayout)
{
    touch(prefix_ / "lib" / "websockify" / "rebind.so");
    EXPECT_EQ(find_rebind_library("", prefix_ / "bin"),
              prefix_ / "lib" / "websockify" / "rebind.so");
}

TEST_F(WrapRebindLibraryTree, MissingLibraryNamesWhereItLooked)
{
    try
    {
        find_rebind_library("", prefix_ / "bin");
        FAIL() << "expected startup_error";
    }
    catch (const net::startup_error& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find((prefix_ / "bin" / "rebind.so").string()), std::string::npos) << what;
        EXPECT_NE(what.find("--rebind-library"), std::string::npos) << what;
    }
}

TEST_F(WrapRebindLibraryTree, ExplicitPathOnly)
{
    touch(prefix_ / "bin" / "rebind.so");
    const auto chosen = prefix_ / "custom.so";
    EXPECT_THROW(find_rebind_library(chosen.string(), prefix_ / "bin"), net::startup_error);
    touch(chosen);
    EXPECT_EQ(find_rebind_library(chosen.string(), prefix_ / "bin"), chosen);
}

TEST(WrapRebindLibrary, CandidatesInOrder)
{
    const auto candidates = rebind_library_candidates("", "/opt/ws/bin");
    ASSERT_EQ(candidates.size(), 2U);
    EXPECT_EQ(candidates[0], fs::path("/opt/ws/bin/rebind.so"));
    EXPECT_EQ(candidates[1], fs::path("/opt/ws/lib/websockify/rebind.so"));
}

TEST(WrapRebindLibrary, ExecutableDirectoryIsAbsolute)
{
    EXPECT_TRUE(executable_directory().is_absolute());
}

} // namespace
} // namespace websockify::wrap
