#include "websockify/server/readiness.hpp"

#include <gtest/gtest.h>

namespace websockify::server
{
namespace
{

TEST(Readiness, ReadyOnlyWhileServing)
{
    readiness ready(nullptr);
    EXPECT_EQ(ready.not_ready_reason(), "not listening yet");
    ready.listening();
    EXPECT_EQ(ready.not_ready_reason(), "");
    ready.stopping();
    EXPECT_NE(ready.not_ready_reason().find("shutting down"), std::string::npos);
}

} // namespace
} // namespace websockify::server
