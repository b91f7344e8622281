#include "websockify/token/token_file.hpp"

#include "websockify/token/trim.hpp"

namespace websockify::token
{
namespace
{

constexpr std::string_view unix_prefix = "unix_socket:";

/// The separator is ':' followed by whitespace, as Python's re.split(':\s', ...) sees it.
std::size_t find_separator(std::string_view line)
{
    for (std::size_t i = 0; i + 1 < line.size(); ++i)
    {
        if (line[i] == ':' && (line[i + 1] == ' ' || line[i + 1] == '\t'))
        {
            return i;
        }
    }
    return std::string_view::npos;
}

} // namespace

parsed_tokens parse_token_file(std::string_view text, std::string_view source)
{
    parsed_tokens parsed;
    std::size_t line_number = 0;
    while (!text.empty())
    {
        const auto end = text.find('\n');
        const auto raw = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++line_number;
        const auto line = trim(raw);
        if (line.empty() || line.front() == '#')
        {
            continue;
        }
        const auto problem = [&](std::string_view why)
        {
            parsed.problems.push_back(std::string(source) + ":" + std::to_string(line_number) +
                                      ": " + std::string(why));
        };
        const auto separator = find_separator(line);
        if (separator == std::string_view::npos)
        {
            problem("expected 'token: host:port'");
            continue;
        }
        const auto name = trim(line.substr(0, separator));
        const auto value = trim(line.substr(separator + 1));
        if (name.empty())
        {
            problem("empty token");
            continue;
        }
        if (value.starts_with(unix_prefix))
        {
            const auto path = trim(value.substr(unix_prefix.size()));
            if (path.empty())
            {
                problem("empty unix socket path");
                continue;
            }
            target unix_target;
            unix_target.unix_path = std::string(path);
            parsed.targets[std::string(name)] = std::move(unix_target);
            continue;
        }
        auto parsed_target = parse_target(value);
        if (!parsed_target)
        {
            problem("target '" + std::string(value) + "' is not host:port");
            continue;
        }
        parsed.targets[std::string(name)] = std::move(*parsed_target);
    }
    return parsed;
}

void merge_tokens(parsed_tokens& into, parsed_tokens more)
{
    for (auto& [name, where] : more.targets)
    {
        into.targets[name] = std::move(where);
    }
    into.problems.insert(into.problems.end(), std::make_move_iterator(more.problems.begin()),
                         std::make_move_iterator(more.problems.end()));
}

} // namespace websockify::token
