#include "websockify/token/redis_source.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

namespace websockify::token
{
namespace
{

std::vector<std::string_view> split_colons(std::string_view text)
{
    std::vector<std::string_view> fields;
    while (true)
    {
        const auto colon = text.find(':');
        fields.push_back(text.substr(0, colon));
        if (colon == std::string_view::npos)
        {
            return fields;
        }
        text.remove_prefix(colon + 1);
    }
}

/// A field of decimal digits into `value`; an empty field keeps the default already there.
template <class Number> bool parse_number_field(std::string_view field, Number& value)
{
    if (field.empty())
    {
        return true;
    }
    const auto* end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, value);
    return ec == std::errc{} && ptr == end;
}

} // namespace

std::optional<redis_source> parse_redis_source(std::string_view text)
{
    const auto fields = split_colons(text);
    redis_source source;
    source.host = std::string(fields[0]);
    if (source.host.empty())
    {
        return std::nullopt;
    }
    unsigned port = source.port;
    if (fields.size() > 1 && (!parse_number_field(fields[1], port) || port == 0 || port > 65535))
    {
        return std::nullopt;
    }
    source.port = static_cast<std::uint16_t>(port);
    if (fields.size() > 2 && !parse_number_field(fields[2], source.db))
    {
        return std::nullopt;
    }
    if (fields.size() > 3 && !fields[3].empty())
    {
        source.password = std::string(fields[3]);
    }
    if (fields.size() > 4)
    {
        // The namespace is the rest of the text, colons included.
        const auto offset = static_cast<std::size_t>(fields[4].data() - text.data());
        const auto name_space = text.substr(offset);
        if (!name_space.empty())
        {
            source.key_prefix = std::string(name_space) + ":";
        }
    }
    return source;
}

std::string redis_key(const redis_source& source, std::string_view token)
{
    return source.key_prefix + std::string(token);
}

result<target> parse_redis_value(std::string_view value)
{
    const auto first = value.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && value[first] == '{')
    {
        const auto parsed = nlohmann::json::parse(value, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object())
        {
            return error::bad_target;
        }
        const auto host = parsed.find("host");
        if (host == parsed.end() || !host->is_string())
        {
            return error::bad_target;
        }
        return parse_target(host->get<std::string>());
    }
    return parse_target(value);
}

} // namespace websockify::token
