#include "report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace bench
{

std::string json_quote(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text)
    {
        switch (c)
        {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
            {
                std::array<char, 8> escaped{};
                std::snprintf(escaped.data(), escaped.size(), "\\u%04x",
                              static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += escaped.data();
            }
            else
            {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

void report::add_raw(std::string_view key, std::string json_value)
{
    const auto same = [key](const auto& field) { return field.first == key; };
    if (auto found = std::find_if(fields_.begin(), fields_.end(), same); found != fields_.end())
    {
        found->second = std::move(json_value);
        return;
    }
    fields_.emplace_back(std::string(key), std::move(json_value));
}

void report::add(std::string_view key, std::string_view value)
{
    add_raw(key, json_quote(value));
}

void report::add(std::string_view key, bool value)
{
    add_raw(key, value ? "true" : "false");
}

void report::add(std::string_view key, double value)
{
    if (!std::isfinite(value))
    {
        add_raw(key, "null");
        return;
    }
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%.3f", value);
    add_raw(key, text.data());
}

void report::add(std::string_view key, std::uint64_t value)
{
    add_raw(key, std::to_string(value));
}

void report::add(std::string_view key, std::int64_t value)
{
    add_raw(key, std::to_string(value));
}

bool report::is_true(std::string_view key) const
{
    return std::any_of(fields_.begin(), fields_.end(),
                       [key](const auto& field)
                       { return field.first == key && field.second == "true"; });
}

std::string report::to_json() const
{
    std::string out = "{";
    for (const auto& [key, value] : fields_)
    {
        if (out.size() > 1)
        {
            out += ',';
        }
        out += json_quote(key);
        out += ':';
        out += value;
    }
    out += '}';
    return out;
}

} // namespace bench
