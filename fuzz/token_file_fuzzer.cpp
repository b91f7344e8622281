// Fuzzes the token-file parser (token/token_file.hpp): parse_token_file, the format of Python
// websockify's ReadOnlyTokenFile (`token: host:port`, `token: unix_socket:PATH`, comments and
// blank lines), and merge_tokens of a token directory.
//
// Input: the whole input is the token file.
//
// Properties checked besides "no crash":
//  - parsing is deterministic;
//  - every token is non-empty, trimmed, holds no newline, does not start with '#' and holds no
//    ':' followed by a space or tab (the separator is the first of those);
//  - every target is either a unix socket (non-empty trimmed path, no host, port 0) or a TCP
//    target (non-empty host, port 1..65535, no unix path), and holds no newline;
//  - each problem is "SOURCE:LINE: reason" with LINE a line of the file, at most one per line;
//  - writing the entries back as `token: [host]:port` / `token: unix_socket:PATH` lines and
//    parsing that gives the same entries and no problems;
//  - splitting the file at a line boundary into two files and merging them (a token
//    directory) gives the same entries and problems as the whole file.

#include "fuzz_support.hpp"
#include "websockify/token/token_file.hpp"
#include "websockify/token/trim.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;

constexpr std::string_view source = "tokens.cfg";

bool has_separator(std::string_view text)
{
    return text.find(": ") != std::string_view::npos || text.find(":\t") != std::string_view::npos;
}

void check_entry(const std::string& name, const token::target& where)
{
    FUZZ_REQUIRE(!name.empty());
    FUZZ_REQUIRE(token::trim(name) == name);
    FUZZ_REQUIRE(name.find('\n') == std::string::npos);
    FUZZ_REQUIRE(name.front() != '#');
    FUZZ_REQUIRE(!has_separator(name));
    if (where.is_unix())
    {
        FUZZ_REQUIRE(token::trim(where.unix_path) == where.unix_path);
        FUZZ_REQUIRE(where.unix_path.find('\n') == std::string::npos);
        FUZZ_REQUIRE(where.host.empty() && where.port == 0);
    }
    else
    {
        FUZZ_REQUIRE(!where.host.empty());
        FUZZ_REQUIRE(where.host.find('\n') == std::string::npos);
        FUZZ_REQUIRE(where.port >= 1);
    }
}

/// "tokens.cfg:LINE: reason" with 1 <= LINE <= lines; returns LINE.
std::size_t problem_line(std::string_view problem, std::size_t lines)
{
    FUZZ_REQUIRE(problem.starts_with(source) && problem.size() > source.size() + 1 &&
                 problem[source.size()] == ':');
    problem.remove_prefix(source.size() + 1);
    std::size_t line = 0;
    const auto [end, ec] = std::from_chars(problem.data(), problem.data() + problem.size(), line);
    FUZZ_REQUIRE(ec == std::errc{});
    FUZZ_REQUIRE(std::string_view(end, problem.data() + problem.size()).starts_with(": "));
    FUZZ_REQUIRE(line >= 1 && line <= lines);
    return line;
}

/// The entries written back in the file format, bracketing every host so that parse_target's
/// split at the last ':' and its bracket removal give exactly that host back.
std::string write_back(const token::parsed_tokens& parsed)
{
    std::string text = "# written back\n\n";
    for (const auto& [name, where] : parsed.targets)
    {
        text += name + ": ";
        text += where.is_unix() ? "unix_socket:" + where.unix_path
                                : "[" + where.host + "]:" + std::to_string(where.port);
        text += '\n';
    }
    return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = as_text(data, size);
    const auto parsed = token::parse_token_file(text, source);
    const auto again = token::parse_token_file(text, source);
    FUZZ_REQUIRE(parsed.targets == again.targets && parsed.problems == again.problems);

    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    std::size_t previous_line = 0;
    for (const auto& problem : parsed.problems)
    {
        const auto line = problem_line(problem, lines);
        FUZZ_REQUIRE(line > previous_line);
        previous_line = line;
    }
    for (const auto& [name, where] : parsed.targets)
    {
        check_entry(name, where);
    }

    const auto rewritten = token::parse_token_file(write_back(parsed), source);
    FUZZ_REQUIRE(rewritten.problems.empty());
    FUZZ_REQUIRE(rewritten.targets == parsed.targets);

    // A token directory of two files: the first lines, then the rest. Line numbers restart in
    // the second file, so only the reasons of the problems are compared.
    const auto middle = text.find('\n', text.size() / 2);
    if (middle != std::string_view::npos)
    {
        auto merged = token::parse_token_file(text.substr(0, middle + 1), source);
        token::merge_tokens(merged, token::parse_token_file(text.substr(middle + 1), source));
        FUZZ_REQUIRE(merged.targets == parsed.targets);
        FUZZ_REQUIRE(merged.problems.size() == parsed.problems.size());
        for (std::size_t i = 0; i < merged.problems.size(); ++i)
        {
            const auto reason = [](std::string_view problem)
            { return problem.substr(problem.find(": ")); };
            FUZZ_REQUIRE(reason(merged.problems[i]) == reason(parsed.problems[i]));
        }
    }
    return 0;
}
