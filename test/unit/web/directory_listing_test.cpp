#include "websockify/web/directory_listing.hpp"

#include "temp_tree.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace websockify::web
{
namespace
{

TEST(DirectoryListing, EscapesHtml)
{
    EXPECT_EQ(escape_html("<a href=\"x\">&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;&lt;/a&gt;");
    EXPECT_EQ(escape_html("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(DirectoryListing, InvalidUtf8IsReplaced)
{
    EXPECT_EQ(escape_html("a\xFF<b"), "a\xEF\xBF\xBD&lt;b");
}

TEST(DirectoryListing, PercentEncodesLinks)
{
    EXPECT_EQ(percent_encode_path("a b&c?d#e%f\"g'h<i>"), "a%20b%26c%3Fd%23e%25f%22g%27h%3Ci%3E");
    EXPECT_EQ(percent_encode_path("Az09-._~/"), "Az09-._~/");
    EXPECT_EQ(percent_encode_path("caf\xC3\xA9"), "caf%C3%A9");
}

TEST(DirectoryListing, RendersPythonShapedPage)
{
    const auto page = render_directory_listing("/pub/", {{"b.txt", false, false}});
    EXPECT_EQ(page, "<!DOCTYPE html>\n"
                    "<html lang=\"en\">\n"
                    "<head>\n"
                    "<meta charset=\"utf-8\">\n"
                    "<title>Directory listing for /pub/</title>\n"
                    "</head>\n"
                    "<body>\n"
                    "<h1>Directory listing for /pub/</h1>\n"
                    "<hr>\n"
                    "<ul>\n"
                    "<li><a href=\"b.txt\">b.txt</a></li>\n"
                    "</ul>\n"
                    "<hr>\n"
                    "</body>\n"
                    "</html>\n");
}

TEST(DirectoryListing, SortsCaseInsensitively)
{
    const auto page = render_directory_listing(
        "/", {{"b", false, false}, {"C", false, false}, {"a", false, false}, {"B", false, false}});
    const auto a = page.find(">a<");
    const auto upper_b = page.find(">B<");
    const auto lower_b = page.find(">b<");
    const auto c = page.find(">C<");
    ASSERT_NE(c, std::string::npos);
    EXPECT_LT(a, upper_b);
    EXPECT_LT(upper_b, lower_b);
    EXPECT_LT(lower_b, c);
}

TEST(DirectoryListing, MarksDirectoriesAndSymlinks)
{
    const auto page = render_directory_listing(
        "/", {{"dir", true, false}, {"link", false, true}, {"dirlink", true, true}});
    EXPECT_NE(page.find("<a href=\"dir/\">dir/</a>"), std::string::npos);
    EXPECT_NE(page.find("<a href=\"link\">link@</a>"), std::string::npos);
    EXPECT_NE(page.find("<a href=\"dirlink/\">dirlink@</a>"), std::string::npos);
}

TEST(DirectoryListing, HostileNamesAreEscapedAndEncoded)
{
    const auto page = render_directory_listing(
        "/<x>/", {{"<script>alert(1)</script>", false, false}, {"\"onmouseover=x", false, false}});
    EXPECT_EQ(page.find("<script>"), std::string::npos);
    EXPECT_EQ(page.find("<x>"), std::string::npos);
    EXPECT_NE(page.find("Directory listing for /&lt;x&gt;/"), std::string::npos);
    EXPECT_NE(page.find("<a href=\"%3Cscript%3Ealert%281%29%3C/script%3E\">"
                        "&lt;script&gt;alert(1)&lt;/script&gt;</a>"),
              std::string::npos);
    EXPECT_NE(page.find("<a href=\"%22onmouseover%3Dx\">&quot;onmouseover=x</a>"),
              std::string::npos);
}

TEST(DirectoryListing, ReadsEntriesOfARealDirectory)
{
    const test::temp_tree tree;
    tree.write("www/one.txt", "1");
    tree.make_directory("www/sub");
    tree.symlink("one.txt", "www/alias");
    auto entries = read_directory(tree.root());
    ASSERT_TRUE(entries);
    std::sort(entries->begin(), entries->end(),
              [](const listing_entry& a, const listing_entry& b) { return a.name < b.name; });
    ASSERT_EQ(entries->size(), 3U);
    EXPECT_EQ(entries->at(0).name, "alias");
    EXPECT_TRUE(entries->at(0).is_symlink);
    EXPECT_EQ(entries->at(1).name, "one.txt");
    EXPECT_FALSE(entries->at(1).is_directory);
    EXPECT_EQ(entries->at(2).name, "sub");
    EXPECT_TRUE(entries->at(2).is_directory);
}

TEST(DirectoryListing, MissingDirectoryIsAnError)
{
    const test::temp_tree tree;
    EXPECT_FALSE(read_directory(tree.base() / "missing"));
}

} // namespace
} // namespace websockify::web
