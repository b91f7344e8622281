#include "websockify/http/flash_policy.hpp"

#include <gtest/gtest.h>
#include <string>

namespace websockify::http
{
namespace
{

TEST(FlashPolicy, RequestIsTwentyThreeBytesWithNul)
{
    EXPECT_EQ(flash_policy_request.size(), 23U);
    EXPECT_EQ(flash_policy_request.back(), '\0');
    EXPECT_TRUE(is_flash_policy_request(std::string("<policy-file-request/>") + '\0'));
}

TEST(FlashPolicy, RejectsAnythingElse)
{
    EXPECT_FALSE(is_flash_policy_request("<policy-file-request/>"));
    EXPECT_FALSE(is_flash_policy_request("GET / HTTP/1.1\r\n"));
    EXPECT_FALSE(is_flash_policy_request(""));
}

TEST(FlashPolicy, ResponseIsTheSpecXmlWithNul)
{
    const std::string expected = std::string("<cross-domain-policy><allow-access-from domain=\"*\" "
                                             "to-ports=\"*\" /></cross-domain-policy>") +
                                 '\0';
    EXPECT_EQ(flash_policy_response, expected);
}

} // namespace
} // namespace websockify::http
