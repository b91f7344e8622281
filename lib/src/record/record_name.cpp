#include "websockify/record/record_name.hpp"

#include <array>
#include <ctime>

namespace websockify::record
{
namespace
{

constexpr std::size_t max_part_length = 64;

/// The placeholder at `at` (which holds '{'), as its name without braces; empty when the brace
/// is not closed.
std::string_view placeholder_at(std::string_view pattern, std::size_t at)
{
    const auto close = pattern.find('}', at);
    if (close == std::string_view::npos)
    {
        return {};
    }
    return pattern.substr(at + 1, close - at - 1);
}

bool is_known(std::string_view name)
{
    return name == "n" || name == "token" || name == "client" || name == "time";
}

std::string value_of(std::string_view name, const name_fields& fields)
{
    if (name == "n")
    {
        return std::to_string(fields.connection);
    }
    if (name == "token")
    {
        return safe_name_part(fields.token);
    }
    if (name == "client")
    {
        return safe_name_part(fields.client);
    }
    return compact_utc_time(fields.unix_seconds);
}

bool is_safe(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

} // namespace

bool is_pattern(std::string_view pattern)
{
    return pattern.find('{') != std::string_view::npos;
}

std::optional<std::string> pattern_problem(std::string_view pattern)
{
    if (pattern.empty())
    {
        return "the file name is empty";
    }
    if (pattern.back() == '/')
    {
        return "it names a directory, not a file";
    }
    const auto last_slash = pattern.rfind('/');
    for (std::size_t at = 0; at < pattern.size(); ++at)
    {
        if (pattern[at] == '}')
        {
            return "'}' without '{'";
        }
        if (pattern[at] != '{')
        {
            continue;
        }
        const auto close = pattern.find('}', at);
        if (close == std::string_view::npos)
        {
            return "'{' without '}'";
        }
        const auto name = pattern.substr(at + 1, close - at - 1);
        if (!is_known(name))
        {
            return "unknown placeholder {" + std::string(name) +
                   "} (use {n}, {token}, {client} or {time})";
        }
        if (last_slash != std::string_view::npos && at < last_slash)
        {
            return "placeholders may only appear in the file name, not in a directory";
        }
        at = close;
    }
    return std::nullopt;
}

std::string file_name(std::string_view pattern, const name_fields& fields)
{
    if (!is_pattern(pattern))
    {
        return std::string(pattern) + "." + std::to_string(fields.connection);
    }
    std::string name;
    std::size_t from = 0;
    for (auto at = pattern.find('{'); at != std::string_view::npos; at = pattern.find('{', from))
    {
        const auto placeholder = placeholder_at(pattern, at);
        name.append(pattern.substr(from, at - from));
        name += value_of(placeholder, fields);
        from = at + placeholder.size() + 2;
    }
    name.append(pattern.substr(from));
    return name;
}

std::string safe_name_part(std::string_view value)
{
    if (value.empty())
    {
        return "none";
    }
    std::string part(value.substr(0, max_part_length));
    for (auto& c : part)
    {
        if (!is_safe(c))
        {
            c = '_';
        }
    }
    if (part.front() == '.')
    {
        part.front() = '_'; // never "." or "..", never a hidden file
    }
    return part;
}

std::string with_suffix(std::string_view path, std::string_view suffix)
{
    const auto name_starts = path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1;
    const auto dot = path.rfind('.');
    const bool has_extension =
        dot != std::string_view::npos && dot > name_starts && dot + 1 < path.size() &&
        path.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dot + 1) ==
            std::string_view::npos;
    if (!has_extension)
    {
        return std::string(path) + std::string(suffix);
    }
    return std::string(path.substr(0, dot)) + std::string(suffix) + std::string(path.substr(dot));
}

std::string compact_utc_time(std::int64_t unix_seconds)
{
    const auto when = static_cast<std::time_t>(unix_seconds);
    std::tm utc{};
    gmtime_r(&when, &utc);
    std::array<char, 32> text{};
    const auto length = std::strftime(text.data(), text.size(), "%Y%m%dT%H%M%SZ", &utc);
    return {text.data(), length};
}

} // namespace websockify::record
