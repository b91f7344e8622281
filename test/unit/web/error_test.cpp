#include "websockify/web/error.hpp"

#include <gtest/gtest.h>

namespace websockify::web
{
namespace
{

TEST(WebError, MapsToStatuses)
{
    EXPECT_EQ(status_for(error::method_not_allowed), 405);
    EXPECT_EQ(status_for(error::bad_target), 400);
    EXPECT_EQ(status_for(error::bad_percent_encoding), 400);
    EXPECT_EQ(status_for(error::dot_segment), 403);
    EXPECT_EQ(status_for(error::encoded_separator), 403);
    EXPECT_EQ(status_for(error::backslash), 403);
    EXPECT_EQ(status_for(error::nul_byte), 403);
    EXPECT_EQ(status_for(error::not_found), 404);
    EXPECT_EQ(status_for(error::outside_root), 404);
    EXPECT_EQ(status_for(error::listing_disabled), 404);
    EXPECT_EQ(status_for(error::not_a_file), 404);
}

TEST(WebError, MapsErrnoCodes)
{
    EXPECT_EQ(status_for(std::make_error_code(std::errc::permission_denied)), 403);
    EXPECT_EQ(status_for(std::make_error_code(std::errc::operation_not_permitted)), 403);
    EXPECT_EQ(status_for(std::make_error_code(std::errc::no_such_file_or_directory)), 404);
    EXPECT_EQ(status_for(std::make_error_code(std::errc::too_many_symbolic_link_levels)), 404);
}

TEST(WebError, OutsideRootReadsLikeNotFound)
{
    // The client must not learn that something exists beyond a symlink.
    EXPECT_EQ(make_error_code(error::outside_root).message(),
              make_error_code(error::not_found).message());
    EXPECT_STREQ(error_category().name(), "websockify-web");
}

} // namespace
} // namespace websockify::web
