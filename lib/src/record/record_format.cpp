#include "websockify/record/record_format.hpp"

#include <array>

namespace websockify::record
{
namespace
{

void append_escaped(std::string& out, std::byte value)
{
    const auto c = static_cast<unsigned char>(value);
    switch (c)
    {
    case '\\':
        out += "\\\\";
        return;
    case '\'':
        out += "\\'";
        return;
    case '\t':
        out += "\\t";
        return;
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    default:
        break;
    }
    if (c >= 0x20 && c < 0x7f)
    {
        out += static_cast<char>(c);
        return;
    }
    constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                       '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    out += "\\x";
    out += hex[c >> 4U];
    out += hex[c & 0x0fU];
}

} // namespace

std::string format_entry(direction way, std::uint64_t ms, std::span<const std::byte> bytes)
{
    const char marker = static_cast<char>(way);
    std::string entry;
    entry.reserve(bytes.size() * 2 + 32);
    entry += '\'';
    entry += marker;
    entry += std::to_string(ms);
    entry += marker;
    for (const auto b : bytes)
    {
        append_escaped(entry, b);
    }
    entry += "',\n";
    return entry;
}

std::size_t escaped_size(std::byte value) noexcept
{
    const auto c = static_cast<unsigned char>(value);
    if (c == '\\' || c == '\'' || c == '\t' || c == '\n' || c == '\r')
    {
        return 2;
    }
    return c >= 0x20 && c < 0x7f ? 1 : 4;
}

std::size_t entry_overhead(std::uint64_t ms) noexcept
{
    std::size_t digits = 1;
    for (auto rest = ms / 10; rest != 0; rest /= 10)
    {
        ++digits;
    }
    return std::string_view("'{{',\n").size() + digits;
}

std::size_t fitting_prefix(std::span<const std::byte> bytes, std::size_t room) noexcept
{
    std::size_t used = 0;
    std::size_t count = 0;
    for (const auto b : bytes)
    {
        used += escaped_size(b);
        if (used > room)
        {
            break;
        }
        ++count;
    }
    return count;
}

} // namespace websockify::record
