#include "websockify/error/result.hpp"

#include "websockify/error/error.hpp"

#include <gtest/gtest.h>
#include <string>

namespace websockify
{
namespace
{

TEST(Result, HoldsValue)
{
    const result<std::string> r{std::string("x")};
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, "x");
    EXPECT_FALSE(r.error());
}

TEST(Result, HoldsError)
{
    const result<int> r{error::missing_key};
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), error::missing_key);
    EXPECT_EQ(r.error(), condition::handshake_failed);
}

TEST(ErrorCategory, EveryErrorHasAMessage)
{
    for (int value = static_cast<int>(error::header_too_large);
         value <= static_cast<int>(error::bad_base64); ++value)
    {
        const auto message = make_error_code(static_cast<error>(value)).message();
        EXPECT_FALSE(message.empty());
        EXPECT_NE(message, "unknown websockify error");
    }
}

TEST(ErrorCategory, Base64IsAProtocolViolation)
{
    EXPECT_EQ(make_error_code(error::bad_base64), condition::protocol_violation);
}

} // namespace
} // namespace websockify
