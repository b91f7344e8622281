#include "pattern.hpp"

namespace bench
{

std::vector<std::byte> make_pattern(std::size_t size)
{
    std::vector<std::byte> pattern(size + pattern_period);
    for (std::size_t i = 0; i < pattern.size(); ++i)
    {
        pattern[i] = std::byte{static_cast<std::uint8_t>(i % pattern_period)};
    }
    return pattern;
}

std::span<const std::byte> pattern_at(const std::vector<std::byte>& pattern, std::uint64_t offset,
                                      std::size_t size)
{
    return std::span(pattern).subspan(static_cast<std::size_t>(offset % pattern_period), size);
}

bool matches_pattern(std::span<const std::byte> data, std::uint64_t offset) noexcept
{
    auto expected = static_cast<std::size_t>(offset % pattern_period);
    for (const auto b : data)
    {
        if (std::to_integer<std::size_t>(b) != expected)
        {
            return false;
        }
        expected = expected + 1 == pattern_period ? 0 : expected + 1;
    }
    return true;
}

} // namespace bench
