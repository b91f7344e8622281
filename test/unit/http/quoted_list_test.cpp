#include "websockify/http/quoted_list.hpp"

#include <gtest/gtest.h>

namespace websockify::http
{
namespace
{

using parts = std::vector<std::string_view>;

TEST(QuotedList, SplitsOutsideQuotesOnly)
{
    EXPECT_EQ(split_outside_quotes("a, b;c", ','), (parts{"a", " b;c"}));
    EXPECT_EQ(split_outside_quotes(R"(for="[2001:db8::1]:4711", for=x)", ','),
              (parts{R"(for="[2001:db8::1]:4711")", " for=x"}));
    EXPECT_EQ(split_outside_quotes(R"(a="x\",y";b)", ';'), (parts{R"(a="x\",y")", "b"}));
}

TEST(QuotedList, EdgesGiveEmptyParts)
{
    EXPECT_EQ(split_outside_quotes("", ','), (parts{""}));
    EXPECT_EQ(split_outside_quotes(",", ','), (parts{"", ""}));
    EXPECT_EQ(split_outside_quotes(R"("open, quote)", ','), (parts{R"("open, quote)"}));
}

} // namespace
} // namespace websockify::http
