#include "websockify/web/byte_range.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace websockify::web
{
namespace
{

constexpr bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && is_ows(s.front()))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back()))
    {
        s.remove_suffix(1);
    }
    return s;
}

/// 1*DIGIT; values beyond 2^64-1 saturate, which is past the end of any file.
std::optional<std::uint64_t> parse_position(std::string_view digits) noexcept
{
    if (digits.empty())
    {
        return std::nullopt;
    }
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    for (const char c : digits)
    {
        if (c < '0' || c > '9')
        {
            return std::nullopt;
        }
        const auto digit = static_cast<std::uint64_t>(c - '0');
        value = value > (max - digit) / 10 ? max : value * 10 + digit;
    }
    return value;
}

constexpr range_request whole() noexcept
{
    return {range_request::kind::whole, {}};
}

constexpr range_request unsatisfiable() noexcept
{
    return {range_request::kind::unsatisfiable, {}};
}

constexpr range_request partial(std::uint64_t first, std::uint64_t last) noexcept
{
    return {range_request::kind::partial, {first, last}};
}

bool starts_with_bytes_unit(std::string_view value) noexcept
{
    // Range units are case-insensitive (RFC 9110 §14.1).
    constexpr std::string_view unit = "bytes=";
    if (value.size() < unit.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < unit.size(); ++i)
    {
        const char c = value[i];
        const char folded = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        if (folded != unit[i])
        {
            return false;
        }
    }
    return true;
}

} // namespace

range_request parse_range(std::string_view value, std::uint64_t size) noexcept
{
    // RFC 9110 §14.1.1: ranges-specifier = range-unit "=" range-set; int-range = first "-" [last];
    // suffix-range = "-" suffix-length.
    if (!starts_with_bytes_unit(value))
    {
        return whole();
    }
    const auto spec = trim(value.substr(6));
    // Several ranges would need multipart/byteranges; §14.2 lets a server ignore the header.
    if (spec.find(',') != std::string_view::npos)
    {
        return whole();
    }
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos)
    {
        return whole();
    }
    const auto first_text = spec.substr(0, dash);
    const auto last_text = spec.substr(dash + 1);
    if (first_text.empty())
    {
        const auto suffix = parse_position(last_text);
        if (!suffix)
        {
            return whole();
        }
        // §14.1.3: a zero suffix, or any suffix of an empty representation, is unsatisfiable.
        if (*suffix == 0 || size == 0)
        {
            return unsatisfiable();
        }
        return partial(size - std::min(*suffix, size), size - 1);
    }
    const auto first = parse_position(first_text);
    if (!first)
    {
        return whole();
    }
    std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
    if (!last_text.empty())
    {
        const auto parsed = parse_position(last_text);
        // §14.1.1: last < first makes the range invalid, and an invalid header is ignored.
        if (!parsed || *parsed < *first)
        {
            return whole();
        }
        last = *parsed;
    }
    if (*first >= size)
    {
        return unsatisfiable();
    }
    return partial(*first, std::min(last, size - 1));
}

std::string format_content_range(const byte_range& range, std::uint64_t size)
{
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
           std::to_string(size);
}

std::string format_unsatisfied_range(std::uint64_t size)
{
    return "bytes */" + std::to_string(size);
}

} // namespace websockify::web
