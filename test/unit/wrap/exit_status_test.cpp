#include "websockify/wrap/exit_status.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace websockify::wrap
{
namespace
{

TEST(WrapExitStatus, ExitedProgramGivesItsStatus)
{
    EXPECT_EQ(exit_code_of(W_EXITCODE(0, 0)), 0);
    EXPECT_EQ(exit_code_of(W_EXITCODE(7, 0)), 7);
    EXPECT_EQ(exit_code_of(W_EXITCODE(255, 0)), 255);
}

TEST(WrapExitStatus, KilledProgramGives128PlusSignal)
{
    EXPECT_EQ(exit_code_of(W_EXITCODE(0, SIGKILL)), 137);
    EXPECT_EQ(exit_code_of(W_EXITCODE(0, SIGTERM)), 143);
}

TEST(WrapExitStatus, DescribesExitAndSignal)
{
    EXPECT_EQ(describe_wait_status(W_EXITCODE(3, 0)), "exited with status 3");
    EXPECT_EQ(describe_wait_status(W_EXITCODE(0, SIGKILL)), "killed by signal 9 (Killed)");
}

} // namespace
} // namespace websockify::wrap
