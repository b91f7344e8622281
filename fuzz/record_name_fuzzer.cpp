// Fuzzes --record's file naming (record/record_name.hpp) and the recording format's size
// arithmetic (record/record_format.hpp).
//
// Input: a pattern line, then the token, then the client address (newline-separated; the rest
// of the input is the data of one recorded entry).
//
// Properties checked besides "no crash":
//  - a pattern that passes pattern_problem() gives a name in the pattern's own directory: the
//    name's text before its last '/' equals the pattern's, whatever the token or client hold;
//  - the file name part never is "." or "..", never starts with '.' when it starts with a
//    placeholder, and holds no NUL;
//  - a plain prefix (no '{') gives PREFIX.<n>;
//  - safe_name_part() is idempotent and yields only [A-Za-z0-9._-], at most 64 bytes;
//  - format_entry()'s size is entry_overhead() plus the sum of escaped_size(), and
//    fitting_prefix() returns the longest prefix that fits.

#include "fuzz_support.hpp"
#include "websockify/record/record_format.hpp"
#include "websockify/record/record_name.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;

/// The next line of `rest` (without its newline), consumed.
std::string_view take_line(std::string_view& rest)
{
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    return line;
}

std::string_view directory_of(std::string_view path)
{
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash + 1);
}

void check_safe_part(std::string_view value)
{
    const auto part = record::safe_name_part(value);
    FUZZ_REQUIRE(!part.empty() && part.size() <= 64);
    FUZZ_REQUIRE(part.front() != '.');
    for (const char c : part)
    {
        const bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        FUZZ_REQUIRE(safe);
    }
    FUZZ_REQUIRE(record::safe_name_part(part) == part);
}

void check_name(std::string_view pattern, const record::name_fields& fields)
{
    if (record::pattern_problem(pattern))
    {
        return;
    }
    const auto name = record::file_name(pattern, fields);
    FUZZ_REQUIRE(directory_of(name) == directory_of(pattern));
    const auto file = std::string_view(name).substr(directory_of(name).size());
    FUZZ_REQUIRE(file != "." && file != "..");
    if (!record::is_pattern(pattern))
    {
        FUZZ_REQUIRE(name == std::string(pattern) + "." + std::to_string(fields.connection));
        return;
    }
    const auto pattern_file = pattern.substr(directory_of(pattern).size());
    if (pattern_file.starts_with('{'))
    {
        FUZZ_REQUIRE(!file.starts_with('.'));
    }
    if (pattern.find('\0') == std::string_view::npos)
    {
        FUZZ_REQUIRE(name.find('\0') == std::string::npos);
    }
}

void check_sizes(std::span<const std::byte> data, std::uint64_t ms)
{
    const auto entry = record::format_entry(record::direction::to_client, ms, data);
    std::size_t escaped = 0;
    for (const auto b : data)
    {
        escaped += record::escaped_size(b);
    }
    FUZZ_REQUIRE(entry.size() == record::entry_overhead(ms) + escaped);
    const std::size_t room = escaped / 2;
    const auto fit = record::fitting_prefix(data, room);
    std::size_t used = 0;
    for (std::size_t i = 0; i < fit; ++i)
    {
        used += record::escaped_size(data[i]);
    }
    FUZZ_REQUIRE(used <= room);
    FUZZ_REQUIRE(fit == data.size() || used + record::escaped_size(data[fit]) > room);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto rest = as_text(data, size);
    const auto pattern = take_line(rest);
    record::name_fields fields;
    fields.token = std::string(take_line(rest));
    fields.client = std::string(take_line(rest));
    fields.connection = size;
    fields.unix_seconds = static_cast<std::int64_t>(size) * 86'399;
    check_safe_part(fields.token);
    check_name(pattern, fields);
    check_sizes(std::as_bytes(std::span(rest.data(), rest.size())), size * 997U);
    return 0;
}
