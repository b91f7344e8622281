#include "websockify/web/resolve_target.hpp"

#include "temp_tree.hpp"
#include "websockify/web/error.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <string>

namespace websockify::web
{
namespace
{

namespace fs = std::filesystem;
using test::temp_tree;

// ---- split_target: the string-only half -------------------------------------------------

TEST(TargetPath, SplitsDecodesAndKeepsRawSegments)
{
    const auto p = split_target("/a%20b/c.txt");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->segments, (std::vector<std::string>{"a b", "c.txt"}));
    EXPECT_EQ(p->raw_segments, (std::vector<std::string>{"a%20b", "c.txt"}));
    EXPECT_FALSE(p->trailing_slash);
    EXPECT_FALSE(p->has_query);
}

TEST(TargetPath, RootHasTrailingSlashAndNoSegments)
{
    const auto p = split_target("/");
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->segments.empty());
    EXPECT_TRUE(p->trailing_slash);
    EXPECT_EQ(p->decoded_path(), "/");
}

TEST(TargetPath, QueryAndFragmentAreSetAside)
{
    const auto p = split_target("/dir/file.txt?x=1&y=%2e%2e#frag/../x");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->segments, (std::vector<std::string>{"dir", "file.txt"}));
    EXPECT_TRUE(p->has_query);
    EXPECT_EQ(p->query, "x=1&y=%2e%2e");
}

TEST(TargetPath, EmptyAndDotSegmentsAreDropped)
{
    const auto p = split_target("//a/./b//%2e/");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->segments, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(p->trailing_slash);
    EXPECT_EQ(p->decoded_path(), "/a/b/");
}

TEST(TargetPath, PlusIsNotASpaceInAPath)
{
    const auto p = split_target("/a+b");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->segments.at(0), "a+b");
}

TEST(TargetPath, AbsoluteFormIsReducedToItsPath)
{
    const auto p = split_target("HTTP://example.com:8080/a/b?q");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->segments, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(p->query, "q");
    const auto bare = split_target("https://example.com");
    ASSERT_TRUE(bare);
    EXPECT_TRUE(bare->segments.empty());
    EXPECT_TRUE(bare->trailing_slash);
    const auto query_only = split_target("http://example.com?x");
    ASSERT_TRUE(query_only);
    EXPECT_TRUE(query_only->segments.empty());
    EXPECT_EQ(query_only->query, "x");
}

TEST(TargetPath, RefusesOtherForms)
{
    EXPECT_EQ(split_target("*").error(), error::bad_target);
    EXPECT_EQ(split_target("example.com:443").error(), error::bad_target);
    EXPECT_EQ(split_target("../etc/passwd").error(), error::bad_target);
    EXPECT_EQ(split_target("ftp://x/").error(), error::bad_target);
}

TEST(TargetPath, RefusesBadPercentEncoding)
{
    EXPECT_EQ(split_target("/%").error(), error::bad_percent_encoding);
    EXPECT_EQ(split_target("/%2").error(), error::bad_percent_encoding);
    EXPECT_EQ(split_target("/%zz").error(), error::bad_percent_encoding);
    EXPECT_EQ(split_target("/a%g0b").error(), error::bad_percent_encoding);
}

TEST(TargetPath, EachRefusalHasItsCode)
{
    EXPECT_EQ(split_target("/a/../b").error(), error::dot_segment);
    EXPECT_EQ(split_target("/%2E%2e").error(), error::dot_segment);
    EXPECT_EQ(split_target("/a%2Fb").error(), error::encoded_separator);
    EXPECT_EQ(split_target("/a%5cb").error(), error::encoded_separator);
    EXPECT_EQ(split_target("/a\\b").error(), error::backslash);
    EXPECT_EQ(split_target("/a%00b").error(), error::nul_byte);
    EXPECT_EQ(split_target(std::string("/a\0b", 4)).error(), error::nul_byte);
}

TEST(TargetPath, IsWithinComparesWholeComponents)
{
    EXPECT_TRUE(is_within("/srv/www", "/srv/www"));
    EXPECT_TRUE(is_within("/srv/www", "/srv/www/a/b"));
    EXPECT_FALSE(is_within("/srv/www", "/srv/www-private"));
    EXPECT_FALSE(is_within("/srv/www", "/srv/www-private/a"));
    EXPECT_FALSE(is_within("/srv/www", "/srv"));
    EXPECT_FALSE(is_within("/srv/www", "/etc/passwd"));
    EXPECT_TRUE(is_within("/", "/etc/passwd"));
}

// ---- resolve_target: against a real tree --------------------------------------------------

/// www/ with files, a directory with an index, one without, and symlinks in and out;
/// secrets beside www/ that must never be reached.
class ResolvePath : public ::testing::Test
{
protected:
    ResolvePath()
    {
        tree.write("www/file.txt", "hello");
        tree.write("www/with space.txt", "spaced");
        tree.write("www/app/index.html", "<p>app</p>");
        tree.write("www/old/index.htm", "<p>old</p>");
        tree.write("www/files/a.txt", "a");
        tree.write("secret.txt", "TOP SECRET");
        tree.write("www-private/secret.txt", "TOP SECRET");
        tree.symlink("file.txt", "www/link-inside");
        tree.symlink("app", "www/link-app");
        tree.symlink("/etc", "www/link-etc");
        tree.symlink("/etc/passwd", "www/link-passwd");
        tree.symlink("../secret.txt", "www/link-secret");
        tree.symlink("../www-private", "www/link-private");
        tree.symlink("link-loop", "www/link-loop");
        tree.symlink("../secret.txt", "www/files/index.html");
    }

    result<resolved_target> resolve(std::string_view target, bool file_only = false) const
    {
        return resolve_target(tree.root(), target, file_only);
    }

    fs::path real(const fs::path& relative) const { return fs::canonical(tree.base() / relative); }

    temp_tree tree;
};

TEST_F(ResolvePath, FileResolvesToItsCanonicalPath)
{
    const auto r = resolve("/file.txt");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->what, resolved_target::kind::file);
    EXPECT_EQ(r->path, real("www/file.txt"));
}

TEST_F(ResolvePath, PercentEncodedNameQueryAndDotSegments)
{
    const auto spaced = resolve("/with%20space.txt?download=1#top");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(spaced->path, real("www/with space.txt"));
    const auto dotted = resolve("/./app/./index.html");
    ASSERT_TRUE(dotted);
    EXPECT_EQ(dotted->path, real("www/app/index.html"));
}

TEST_F(ResolvePath, AbsoluteFormTarget)
{
    const auto r = resolve("http://localhost:6080/file.txt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->path, real("www/file.txt"));
}

TEST_F(ResolvePath, DirectoryServesIndexHtmlThenIndexHtm)
{
    const auto app = resolve("/app/");
    ASSERT_TRUE(app);
    EXPECT_EQ(app->what, resolved_target::kind::file);
    EXPECT_EQ(app->path, real("www/app/index.html"));
    const auto old = resolve("/old/");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->path, real("www/old/index.htm"));
}

TEST_F(ResolvePath, DirectoryWithoutSlashRedirectsKeepingQuery)
{
    const auto r = resolve("/app?a=1&b=%20");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what, resolved_target::kind::redirect);
    EXPECT_EQ(r->location, "/app/?a=1&b=%20");
    const auto plain = resolve("/files");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->location, "/files/");
}

TEST_F(ResolvePath, RedirectNeverStartsWithTwoSlashes)
{
    // "//app" must not become "//app/", which a browser reads as the host "app".
    const auto r = resolve("//app");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what, resolved_target::kind::redirect);
    EXPECT_EQ(r->location, "/app/");
}

TEST_F(ResolvePath, RedirectKeepsTheEncodingAsSent)
{
    tree.make_directory("www/a dir");
    const auto r = resolve("/a%20dir");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->location, "/a%20dir/");
}

TEST_F(ResolvePath, DirectoryWithoutIndexIsListed)
{
    tree.make_directory("www/empty");
    const auto r = resolve("/empty/");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what, resolved_target::kind::listing);
    EXPECT_EQ(r->path, real("www/empty"));
    EXPECT_EQ(r->display_path, "/empty/");
    const auto root = resolve("/");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->what, resolved_target::kind::listing);
    EXPECT_EQ(root->display_path, "/");
}

TEST_F(ResolvePath, FileOnlyRefusesListings)
{
    tree.make_directory("www/empty");
    EXPECT_EQ(resolve("/empty/", true).error(), error::listing_disabled);
    EXPECT_TRUE(resolve("/app/", true));
    EXPECT_TRUE(resolve("/file.txt", true));
}

TEST_F(ResolvePath, IndexSymlinkOutsideIsNotServed)
{
    const auto r = resolve("/files/");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what, resolved_target::kind::listing);
}

TEST_F(ResolvePath, SymlinksInsideTheRootAreFollowed)
{
    const auto file = resolve("/link-inside");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->path, real("www/file.txt"));
    const auto dir = resolve("/link-app/");
    ASSERT_TRUE(dir);
    EXPECT_EQ(dir->path, real("www/app/index.html"));
}

TEST_F(ResolvePath, MissingFileIsNotFound)
{
    EXPECT_EQ(resolve("/nope.txt").error(), error::not_found);
    EXPECT_EQ(resolve("/file.txt/more").error(), error::not_found);
    EXPECT_EQ(resolve("/file.txt/").error(), error::not_found);
}

TEST_F(ResolvePath, SpecialFilesAreRefused)
{
    EXPECT_EQ(resolve_target("/", "/dev/null", false).error(), error::not_a_file);
}

TEST_F(ResolvePath, MissingRootIsNotFound)
{
    EXPECT_EQ(resolve_target(tree.base() / "missing", "/", false).error(), error::not_found);
}

// ---- traversal: every attempt is refused ---------------------------------------------------

struct traversal_attempt
{
    std::string target;
    int status = 0;
};

/// Names the attempt in gtest's output; a NUL is shown as "\0".
void PrintTo(const traversal_attempt& attempt, std::ostream* out)
{
    for (const char c : attempt.target)
    {
        if (c == '\0')
        {
            *out << "\\0";
        }
        else
        {
            *out << c;
        }
    }
}

class PathTraversal : public ResolvePath, public ::testing::WithParamInterface<traversal_attempt>
{
};

TEST_P(PathTraversal, IsRefused)
{
    const auto& attempt = GetParam();
    const auto r = resolve(attempt.target);
    ASSERT_FALSE(r) << attempt.target << " resolved to " << r->path;
    EXPECT_EQ(status_for(r.error()), attempt.status) << attempt.target;
    EXPECT_FALSE(resolve(attempt.target, true)) << attempt.target;
}

INSTANTIATE_TEST_SUITE_P(
    Attempts, PathTraversal,
    ::testing::Values(
        traversal_attempt{"/../etc/passwd", 403}, traversal_attempt{"/%2e%2e/etc/passwd", 403},
        traversal_attempt{"/%2E%2E%2Fetc%2Fpasswd", 403},
        traversal_attempt{"/a/../../etc/passwd", 403}, traversal_attempt{"/..%2fetc/passwd", 403},
        traversal_attempt{"/..%2Fsecret.txt", 403}, traversal_attempt{"/%2e%2e%5cetc", 403},
        traversal_attempt{"/..\\etc", 403}, traversal_attempt{"/\\..\\secret.txt", 403},
        traversal_attempt{"/%00", 403}, traversal_attempt{"/file%00.html", 403},
        traversal_attempt{"/file.txt%00", 403},
        traversal_attempt{std::string("/file.txt\0.html", 15), 403},
        traversal_attempt{"//etc/passwd", 404}, traversal_attempt{"/./../etc", 403},
        traversal_attempt{"/.%2e/", 403}, traversal_attempt{"/%2e./secret.txt", 403},
        traversal_attempt{"/..", 403}, traversal_attempt{"/%2e%2e", 403},
        traversal_attempt{"/app/..", 403},
        traversal_attempt{"/app/index.html/../../secret.txt", 403},
        traversal_attempt{"/app/%2e%2e/%2e%2e/secret.txt", 403},
        traversal_attempt{"/../secret.txt", 403},
        traversal_attempt{"/../www-private/secret.txt", 403},
        traversal_attempt{"http://x/../", 403},
        traversal_attempt{"https://x/%2e%2e/secret.txt", 403},
        traversal_attempt{"/link-etc/passwd", 404}, traversal_attempt{"/link-etc/", 404},
        traversal_attempt{"/link-passwd", 404}, traversal_attempt{"/link-secret", 404},
        traversal_attempt{"/link-private/secret.txt", 404},
        traversal_attempt{"/link-private/", 404}, traversal_attempt{"/link-loop", 404},
        traversal_attempt{"/%252e%252e/secret.txt", 404},
        traversal_attempt{"/%c0%ae%c0%ae/secret.txt", 404},
        traversal_attempt{"/..;/secret.txt", 404}, traversal_attempt{"/.../secret.txt", 404},
        traversal_attempt{"../secret.txt", 400}, traversal_attempt{"/%2", 400}));

} // namespace
} // namespace websockify::web
