// Fuzzes the static web server's path handling (web/resolve_target.hpp): split_target on any
// request-target, and resolve_target against a small real tree that has a symlink leading out of
// the web root, built once in a temporary directory.
//
// Properties checked besides "no crash":
//  - split segments are never empty, ".", "..", nor hold '/', '\' or NUL, and each is its raw
//    segment percent-decoded; decoded_path() splits back to the same segments;
//  - nothing resolved as a file or listing lies outside the root (through the symlink or
//    otherwise), and each is what it claims to be (a regular file, a directory);
//  - a redirect's location is a local path ("/...", never "//", so never another host), and
//    holds no control character when the target held none;
//  - a failed split fails the resolution with the same error; --file-only changes nothing but
//    turning listings into listing_disabled.

#include "fuzz_support.hpp"
#include "websockify/web/error.hpp"
#include "websockify/web/resolve_target.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace
{

using namespace websockify;
namespace fs = std::filesystem;

struct web_tree
{
    fs::path base;    // the temporary directory holding both
    fs::path root;    // the web root, canonical
    fs::path outside; // a sibling of the root that must never be served
};

const web_tree* tree = nullptr;

void write_file(const fs::path& path, std::string_view text)
{
    std::ofstream(path) << text;
}

/// root/{index.html?no, a/{index.html,b.txt}, dir/{c.txt}, file.txt, "sp ace.txt", %41.txt,
/// link_in -> a, link_out -> ../outside, link_file -> ../outside/secret.txt};
/// outside/secret.txt.
web_tree make_tree()
{
    std::string pattern = (fs::temp_directory_path() / "websockify-fuzz-web-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
    {
        std::abort();
    }
    web_tree t{fs::canonical(pattern), {}, {}};
    t.root = t.base / "root";
    t.outside = t.base / "outside";
    fs::create_directories(t.root / "a");
    fs::create_directories(t.root / "dir");
    fs::create_directories(t.outside);
    write_file(t.root / "a" / "index.html", "<p>a</p>");
    write_file(t.root / "a" / "b.txt", "b");
    write_file(t.root / "dir" / "c.txt", "c");
    write_file(t.root / "file.txt", "file");
    write_file(t.root / "sp ace.txt", "space");
    write_file(t.root / "%41.txt", "percent");
    write_file(t.outside / "secret.txt", "secret");
    fs::create_directory_symlink("a", t.root / "link_in");
    fs::create_directory_symlink("../outside", t.root / "link_out");
    fs::create_symlink("../outside/secret.txt", t.root / "link_file");
    return t;
}

void remove_tree()
{
    std::error_code ec;
    fs::remove_all(tree->base, ec);
}

bool has_control(std::string_view s)
{
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::string percent_decode(std::string_view raw)
{
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i)
    {
        if (raw[i] == '%' && i + 2 < raw.size())
        {
            out += static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        }
        else
        {
            out += raw[i];
        }
    }
    return out;
}

void check_split(const web::target_path& path)
{
    FUZZ_REQUIRE(path.segments.size() == path.raw_segments.size());
    for (std::size_t i = 0; i < path.segments.size(); ++i)
    {
        const auto& segment = path.segments[i];
        FUZZ_REQUIRE(!segment.empty() && segment != "." && segment != "..");
        FUZZ_REQUIRE(segment.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos);
        FUZZ_REQUIRE(percent_decode(path.raw_segments[i]) == segment);
    }
    const auto decoded = path.decoded_path();
    FUZZ_REQUIRE(decoded.starts_with('/') && decoded.find("//") == std::string::npos);
    // Segments free of '%', '?' and '#' read back unchanged from the decoded path.
    const bool plain =
        std::none_of(path.segments.begin(), path.segments.end(),
                     [](const auto& s) { return s.find_first_of("%?#") != std::string::npos; });
    if (plain)
    {
        const auto again = web::split_target(decoded);
        FUZZ_REQUIRE(again && again->segments == path.segments);
        FUZZ_REQUIRE(again->trailing_slash == (path.trailing_slash || path.segments.empty()));
    }
}

void check_resolved(const web::resolved_target& r, std::string_view target, bool file_only)
{
    using kind = web::resolved_target::kind;
    if (r.what == kind::redirect)
    {
        FUZZ_REQUIRE(r.location.starts_with('/') && !r.location.starts_with("//"));
        FUZZ_REQUIRE(has_control(target) || !has_control(r.location));
        return;
    }
    FUZZ_REQUIRE(web::is_within(tree->root, r.path));
    FUZZ_REQUIRE(!web::is_within(tree->outside, r.path));
    FUZZ_REQUIRE(r.path == fs::canonical(r.path));
    if (r.what == kind::listing)
    {
        FUZZ_REQUIRE(!file_only && fs::is_directory(r.path));
    }
    else
    {
        FUZZ_REQUIRE(fs::is_regular_file(r.path));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    static const web_tree instance = make_tree();
    tree = &instance;
    std::atexit(remove_tree);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto target = websockify::fuzz::as_text(data, size);
    const auto split = web::split_target(target);
    if (split)
    {
        check_split(*split);
    }
    const auto listed = web::resolve_target(tree->root, target, false);
    const auto file_only = web::resolve_target(tree->root, target, true);
    if (!split)
    {
        FUZZ_REQUIRE(listed.error() == split.error() && file_only.error() == split.error());
        return 0;
    }
    if (listed)
    {
        check_resolved(*listed, target, false);
    }
    if (file_only)
    {
        check_resolved(*file_only, target, true);
    }
    const bool was_listing = listed && listed->what == web::resolved_target::kind::listing;
    if (was_listing)
    {
        FUZZ_REQUIRE(file_only.error() == web::error::listing_disabled);
    }
    else
    {
        FUZZ_REQUIRE(listed.error() == file_only.error());
        FUZZ_REQUIRE(!listed ||
                     (listed->what == file_only->what && listed->path == file_only->path &&
                      listed->location == file_only->location));
    }
    return 0;
}
