#include "websockify/web/prepare_response.hpp"

#include "parsed_response.hpp"
#include "temp_tree.hpp"
#include "websockify/web/http_date.hpp"

#include <gtest/gtest.h>

namespace websockify::web
{
namespace
{

namespace fs = std::filesystem;
using namespace std::chrono;
using test::parse_response;
using test::parsed_response;

constexpr sys_seconds modified{sys_days{year{2021} / March / 4} + hours{5} + minutes{6}};
constexpr sys_seconds now{sys_days{year{2024} / January / 2} + hours{3}};

/// A web root with a few files whose mtime is `modified`.
class WebResponse : public ::testing::Test
{
protected:
    WebResponse()
    {
        for (const auto& [name, content] :
             std::vector<std::pair<std::string, std::string>>{{"www/hello.txt", "Hello, world\n"},
                                                              {"www/app/index.html", "<p>app</p>"},
                                                              {"www/style.css", "p{}"},
                                                              {"www/empty.bin", ""}})
        {
            set_time(tree.write(name, content));
        }
        tree.make_directory("www/files");
        tree.write("www/files/z.txt", "z");
        tree.write("www/files/a&b.txt", "ab");
        opts.root = tree.root();
    }

    static void set_time(const fs::path& path)
    {
        fs::last_write_time(path, file_clock::from_sys(modified));
    }

    /// Answers `method target` with extra header lines ("Name: value\r\n" each).
    prepared_response answer(std::string_view method, std::string_view target,
                             std::string_view headers = "") const
    {
        const auto raw = std::string(method) + " " + std::string(target) +
                         " HTTP/1.1\r\nHost: test\r\n" + std::string(headers) + "\r\n";
        auto head = http::parse_request_head(raw);
        EXPECT_TRUE(head) << raw;
        return prepare_response(*head, opts, now);
    }

    static void expect_common_headers(const parsed_response& r)
    {
        EXPECT_EQ(r.header("Connection"), "close");
        EXPECT_EQ(r.header("Date"), "Tue, 02 Jan 2024 03:00:00 GMT");
    }

    test::temp_tree tree;
    options opts;
};

TEST_F(WebResponse, GetFileIs200WithHeaders)
{
    const auto a = answer("GET", "/hello.txt");
    EXPECT_EQ(a.status, 200);
    const auto r = parse_response(a.head);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.header("Content-Length"), "13");
    EXPECT_EQ(r.header("Last-Modified"), "Thu, 04 Mar 2021 05:06:00 GMT");
    EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
    EXPECT_EQ(r.count("Content-Length"), 1U);
    expect_common_headers(r);
    EXPECT_TRUE(r.body.empty()) << "file bytes follow the head separately";
    ASSERT_TRUE(a.file);
    EXPECT_EQ(a.body, (byte_range{0, 12}));
}

TEST_F(WebResponse, HeadHasTheSameHeadersAndNoBody)
{
    const auto get = parse_response(answer("GET", "/hello.txt").head);
    const auto a = answer("HEAD", "/hello.txt");
    EXPECT_EQ(a.status, 200);
    EXPECT_FALSE(a.file);
    const auto head = parse_response(a.head);
    EXPECT_EQ(head.headers.size(), get.headers.size());
    for (const auto& h : get.headers)
    {
        EXPECT_EQ(head.header(h.name), h.value) << h.name;
    }
    EXPECT_TRUE(head.body.empty());
}

TEST_F(WebResponse, ContentTypeFollowsExtension)
{
    EXPECT_EQ(parse_response(answer("GET", "/style.css").head).header("Content-Type"),
              "text/css; charset=utf-8");
    EXPECT_EQ(parse_response(answer("GET", "/app/").head).header("Content-Type"),
              "text/html; charset=utf-8");
    EXPECT_EQ(parse_response(answer("GET", "/empty.bin").head).header("Content-Type"),
              "application/octet-stream");
}

TEST_F(WebResponse, EmptyFileHasZeroLengthAndNothingToStream)
{
    const auto a = answer("GET", "/empty.bin");
    EXPECT_EQ(a.status, 200);
    EXPECT_FALSE(a.file);
    EXPECT_EQ(parse_response(a.head).header("Content-Length"), "0");
}

TEST_F(WebResponse, IfModifiedSinceUnchangedIs304)
{
    for (const auto* since : {"Thu, 04 Mar 2021 05:06:00 GMT", "Fri, 05 Mar 2021 00:00:00 GMT",
                              "Thursday, 04-Mar-21 05:06:00 GMT", "Thu Mar  4 05:06:00 2021"})
    {
        const auto a =
            answer("GET", "/hello.txt", "If-Modified-Since: " + std::string(since) + "\r\n");
        EXPECT_EQ(a.status, 304) << since;
        EXPECT_FALSE(a.file);
        const auto r = parse_response(a.head);
        EXPECT_EQ(r.status, 304);
        EXPECT_EQ(r.header("Last-Modified"), "Thu, 04 Mar 2021 05:06:00 GMT");
        EXPECT_FALSE(r.header("Content-Length"));
        EXPECT_TRUE(r.body.empty());
        expect_common_headers(r);
    }
    EXPECT_EQ(
        answer("HEAD", "/hello.txt", "If-Modified-Since: Thu, 04 Mar 2021 05:06:00 GMT\r\n").status,
        304);
}

TEST_F(WebResponse, IfModifiedSinceOlderOrInvalidIs200)
{
    EXPECT_EQ(
        answer("GET", "/hello.txt", "If-Modified-Since: Thu, 04 Mar 2021 05:05:59 GMT\r\n").status,
        200);
    EXPECT_EQ(answer("GET", "/hello.txt", "If-Modified-Since: yesterday\r\n").status, 200);
}

TEST_F(WebResponse, IfNoneMatchDisablesIfModifiedSince)
{
    EXPECT_EQ(
        answer("GET", "/hello.txt",
               "If-None-Match: \"abc\"\r\nIf-Modified-Since: Fri, 05 Mar 2021 00:00:00 GMT\r\n")
            .status,
        200);
}

TEST_F(WebResponse, FutureModificationTimeIsSentAsNow)
{
    fs::last_write_time(tree.root() / "hello.txt", file_clock::from_sys(now + hours{48}));
    const auto r = parse_response(answer("GET", "/hello.txt").head);
    EXPECT_EQ(r.header("Last-Modified"), "Tue, 02 Jan 2024 03:00:00 GMT");
}

TEST_F(WebResponse, SingleRangeIs206)
{
    const auto a = answer("GET", "/hello.txt", "Range: bytes=7-11\r\n");
    EXPECT_EQ(a.status, 206);
    ASSERT_TRUE(a.file);
    EXPECT_EQ(a.body, (byte_range{7, 11}));
    const auto r = parse_response(a.head);
    EXPECT_EQ(r.header("Content-Range"), "bytes 7-11/13");
    EXPECT_EQ(r.header("Content-Length"), "5");
    expect_common_headers(r);
}

TEST_F(WebResponse, SuffixAndOpenRanges)
{
    EXPECT_EQ(answer("GET", "/hello.txt", "Range: bytes=-6\r\n").body, (byte_range{7, 12}));
    EXPECT_EQ(answer("GET", "/hello.txt", "Range: bytes=5-\r\n").body, (byte_range{5, 12}));
}

TEST_F(WebResponse, UnsatisfiableRangeIs416)
{
    const auto a = answer("GET", "/hello.txt", "Range: bytes=13-\r\n");
    EXPECT_EQ(a.status, 416);
    EXPECT_FALSE(a.file);
    const auto r = parse_response(a.head);
    EXPECT_EQ(r.header("Content-Range"), "bytes */13");
    expect_common_headers(r);
}

TEST_F(WebResponse, MultipleOrMalformedRangesGiveTheWholeFile)
{
    for (const auto* range : {"bytes=0-1,3-4", "bytes=x-y", "lines=1-2", "bytes=5-1"})
    {
        const auto a = answer("GET", "/hello.txt", "Range: " + std::string(range) + "\r\n");
        EXPECT_EQ(a.status, 200) << range;
        EXPECT_EQ(a.body, (byte_range{0, 12})) << range;
    }
    EXPECT_EQ(answer("GET", "/hello.txt", "Range: bytes=0-1\r\nRange: bytes=2-3\r\n").status, 200);
}

TEST_F(WebResponse, HeadIgnoresRange)
{
    const auto a = answer("HEAD", "/hello.txt", "Range: bytes=0-1\r\n");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(parse_response(a.head).header("Content-Length"), "13");
}

TEST_F(WebResponse, IfRangeMustMatchLastModified)
{
    EXPECT_EQ(answer("GET", "/hello.txt",
                     "Range: bytes=0-1\r\nIf-Range: Thu, 04 Mar 2021 05:06:00 GMT\r\n")
                  .status,
              206);
    EXPECT_EQ(answer("GET", "/hello.txt",
                     "Range: bytes=0-1\r\nIf-Range: Thu, 04 Mar 2021 05:06:01 GMT\r\n")
                  .status,
              200);
    EXPECT_EQ(answer("GET", "/hello.txt", "Range: bytes=0-1\r\nIf-Range: \"etag\"\r\n").status,
              200);
}

TEST_F(WebResponse, DirectoryWithoutSlashIs301)
{
    const auto a = answer("GET", "/app?x=1");
    EXPECT_EQ(a.status, 301);
    const auto r = parse_response(a.head);
    EXPECT_EQ(r.header("Location"), "/app/?x=1");
    expect_common_headers(r);
    EXPECT_FALSE(r.body.empty());
    const auto head = parse_response(answer("HEAD", "/app").head);
    EXPECT_EQ(head.status, 301);
    EXPECT_EQ(head.header("Location"), "/app/");
    EXPECT_TRUE(head.body.empty());
}

TEST_F(WebResponse, DirectoryListingIs200Html)
{
    const auto a = answer("GET", "/files/");
    EXPECT_EQ(a.status, 200);
    EXPECT_FALSE(a.file);
    const auto r = parse_response(a.head);
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.header("Content-Length"), std::to_string(r.body.size()));
    expect_common_headers(r);
    EXPECT_NE(r.body.find("Directory listing for /files/"), std::string::npos);
    EXPECT_NE(r.body.find("<a href=\"a%26b.txt\">a&amp;b.txt</a>"), std::string::npos);
    EXPECT_LT(r.body.find("a%26b.txt"), r.body.find("z.txt"));

    const auto head = parse_response(answer("HEAD", "/files/").head);
    EXPECT_EQ(head.header("Content-Length"), r.header("Content-Length"));
    EXPECT_TRUE(head.body.empty());
}

TEST_F(WebResponse, FileOnlyListingIs404)
{
    opts.file_only = true;
    EXPECT_EQ(answer("GET", "/files/").status, 404);
    EXPECT_EQ(answer("GET", "/").status, 404);
    EXPECT_EQ(answer("GET", "/app/").status, 200);
}

TEST_F(WebResponse, MissingIs404)
{
    const auto a = answer("GET", "/missing.txt");
    EXPECT_EQ(a.status, 404);
    const auto r = parse_response(a.head);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    expect_common_headers(r);
    EXPECT_EQ(r.body, "404 Not Found: no such file\n");
    const auto head = parse_response(answer("HEAD", "/missing.txt").head);
    EXPECT_EQ(head.status, 404);
    EXPECT_EQ(head.header("Content-Length"), std::to_string(r.body.size()));
    EXPECT_TRUE(head.body.empty());
}

TEST_F(WebResponse, TraversalIs403)
{
    const auto a = answer("GET", "/../etc/passwd");
    EXPECT_EQ(a.status, 403);
    expect_common_headers(parse_response(a.head));
}

TEST_F(WebResponse, BadTargetIs400)
{
    EXPECT_EQ(answer("GET", "/%zz").status, 400);
    EXPECT_EQ(answer("GET", "*").status, 400);
}

TEST_F(WebResponse, OtherMethodsAre405WithAllow)
{
    for (const auto* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "TRACE"})
    {
        const auto a = answer(method, "/hello.txt");
        EXPECT_EQ(a.status, 405) << method;
        EXPECT_FALSE(a.file);
        const auto r = parse_response(a.head);
        EXPECT_EQ(r.header("Allow"), "GET, HEAD");
        expect_common_headers(r);
    }
}

TEST_F(WebResponse, UnreadableFileIs403)
{
    if (::geteuid() == 0)
    {
        GTEST_SKIP() << "root reads every file";
    }
    fs::permissions(tree.root() / "hello.txt", fs::perms::none);
    EXPECT_EQ(answer("GET", "/hello.txt").status, 403);
}

} // namespace
} // namespace websockify::web
