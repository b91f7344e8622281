#include "websockify/web/mime_type.hpp"

#include <gtest/gtest.h>
#include <string_view>
#include <utility>
#include <vector>

namespace websockify::web
{
namespace
{

TEST(MimeType, KnownExtensions)
{
    const std::vector<std::pair<std::string_view, std::string_view>> cases{
        {"index.html", "text/html; charset=utf-8"},
        {"old.htm", "text/html; charset=utf-8"},
        {"app.js", "text/javascript; charset=utf-8"},
        {"module.mjs", "text/javascript; charset=utf-8"},
        {"style.css", "text/css; charset=utf-8"},
        {"data.json", "application/json"},
        {"logo.svg", "image/svg+xml"},
        {"image.png", "image/png"},
        {"photo.jpg", "image/jpeg"},
        {"photo.jpeg", "image/jpeg"},
        {"anim.gif", "image/gif"},
        {"favicon.ico", "image/vnd.microsoft.icon"},
        {"readme.txt", "text/plain; charset=utf-8"},
        {"code.wasm", "application/wasm"},
        {"feed.xml", "text/xml; charset=utf-8"},
        {"manual.pdf", "application/pdf"},
        {"font.woff", "font/woff"},
        {"font.woff2", "font/woff2"},
        {"app.js.map", "application/json"},
        {"pic.webp", "image/webp"},
        {"clip.mp4", "video/mp4"},
    };
    for (const auto& [name, type] : cases)
    {
        EXPECT_EQ(mime_type(name), type) << name;
    }
}

TEST(MimeType, ExtensionIsCaseInsensitive)
{
    EXPECT_EQ(mime_type("INDEX.HTML"), "text/html; charset=utf-8");
    EXPECT_EQ(mime_type("Photo.JpG"), "image/jpeg");
}

TEST(MimeType, UnknownIsOctetStream)
{
    EXPECT_EQ(mime_type("archive.xyz"), "application/octet-stream");
    EXPECT_EQ(mime_type("Makefile"), "application/octet-stream");
    EXPECT_EQ(mime_type("trailing."), "application/octet-stream");
    EXPECT_EQ(mime_type(""), "application/octet-stream");
    EXPECT_EQ(mime_type("file.averyveryverylongextension"), "application/octet-stream");
}

TEST(MimeType, LeadingDotAloneIsNoExtension)
{
    EXPECT_EQ(mime_type(".html"), "application/octet-stream");
    EXPECT_EQ(mime_type(".config.json"), "application/json");
}

TEST(MimeType, OnlyTheLastComponentCounts)
{
    EXPECT_EQ(mime_type("dir.html/README"), "application/octet-stream");
    EXPECT_EQ(mime_type("/srv/www/app/main.css"), "text/css; charset=utf-8");
    EXPECT_EQ(mime_type("archive.tar.gz"), "application/gzip");
}

TEST(MimeType, EveryTextTypeCarriesCharset)
{
    for (const auto* name :
         {"a.html", "a.htm", "a.js", "a.mjs", "a.css", "a.txt", "a.xml", "a.csv", "a.md"})
    {
        const auto type = mime_type(name);
        EXPECT_TRUE(type.starts_with("text/")) << name;
        EXPECT_TRUE(type.ends_with("; charset=utf-8")) << name;
    }
}

} // namespace
} // namespace websockify::web
