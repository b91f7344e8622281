#include "websockify/wrap/program_environment.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace websockify::wrap
{
namespace
{

bool contains(const std::vector<std::string>& environment, const std::string& entry)
{
    return std::find(environment.begin(), environment.end(), entry) != environment.end();
}

std::size_t count_prefix(const std::vector<std::string>& environment, const std::string& prefix)
{
    return static_cast<std::size_t>(std::count_if(environment.begin(), environment.end(),
                                                  [&prefix](const std::string& e)
                                                  { return e.starts_with(prefix); }));
}

TEST(WrapProgramEnvironment, MoveModeSetsBothPorts)
{
    const std::vector<std::string> parent{"PATH=/bin", "HOME=/root"};
    const auto env = make_program_environment(parent, "/lib/rebind.so", rebind_move{5901, 40001});
    EXPECT_TRUE(contains(env, "PATH=/bin"));
    EXPECT_TRUE(contains(env, "HOME=/root"));
    EXPECT_TRUE(contains(env, "LD_PRELOAD=/lib/rebind.so"));
    EXPECT_TRUE(contains(env, "REBIND_OLD_PORT=5901"));
    EXPECT_TRUE(contains(env, "REBIND_NEW_PORT=40001"));
    EXPECT_EQ(count_prefix(env, "REBIND_REPORT_FD="), 0U);
}

TEST(WrapProgramEnvironment, ReportModeSetsOnlyTheDescriptor)
{
    const std::vector<std::string> parent{"REBIND_OLD_PORT=1", "REBIND_NEW_PORT=2"};
    const auto env = make_program_environment(parent, "/lib/rebind.so", rebind_report{3});
    EXPECT_TRUE(contains(env, "REBIND_REPORT_FD=3"));
    // rebind.so ignores the report descriptor while REBIND_OLD_PORT is set.
    EXPECT_EQ(count_prefix(env, "REBIND_OLD_PORT="), 0U);
    EXPECT_EQ(count_prefix(env, "REBIND_NEW_PORT="), 0U);
}

TEST(WrapProgramEnvironment, LibraryGoesBeforeExistingPreloads)
{
    const std::vector<std::string> parent{"LD_PRELOAD=/usr/lib/a.so:/usr/lib/b.so"};
    const auto env = make_program_environment(parent, "/lib/rebind.so", rebind_move{1, 2});
    EXPECT_TRUE(contains(env, "LD_PRELOAD=/lib/rebind.so:/usr/lib/a.so:/usr/lib/b.so"));
    EXPECT_EQ(count_prefix(env, "LD_PRELOAD="), 1U);
}

TEST(WrapProgramEnvironment, EmptyPreloadAddsNoSeparator)
{
    const std::vector<std::string> parent{"LD_PRELOAD="};
    const auto env = make_program_environment(parent, "/lib/rebind.so", rebind_move{1, 2});
    EXPECT_TRUE(contains(env, "LD_PRELOAD=/lib/rebind.so"));
    EXPECT_EQ(count_prefix(env, "LD_PRELOAD="), 1U);
}

TEST(WrapProgramEnvironment, InheritedRebindVariablesAreReplaced)
{
    const std::vector<std::string> parent{"REBIND_OLD_PORT=9", "REBIND_REPORT_FD=7",
                                          "REBIND_OTHER=kept"};
    const auto env = make_program_environment(parent, "/r.so", rebind_move{5901, 40001});
    EXPECT_EQ(count_prefix(env, "REBIND_OLD_PORT="), 1U);
    EXPECT_TRUE(contains(env, "REBIND_OLD_PORT=5901"));
    EXPECT_EQ(count_prefix(env, "REBIND_REPORT_FD="), 0U);
    EXPECT_TRUE(contains(env, "REBIND_OTHER=kept"));
}

TEST(WrapProgramEnvironment, CurrentEnvironmentHasPath)
{
    const auto env = current_environment();
    EXPECT_EQ(count_prefix(env, "PATH="), 1U);
}

} // namespace
} // namespace websockify::wrap
