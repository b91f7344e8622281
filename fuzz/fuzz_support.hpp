#pragma once

// Helpers shared by the fuzz targets: property checks that survive NDEBUG, views of the input,
// and input-driven chunking for the incremental decoders.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

// A property the fuzzer checks beyond "no crash". A violation aborts, which libFuzzer reports as
// a crash and saves the input. A macro rather than a function because clang 14 with libstdc++
// has no std::source_location, and the failing condition's text is the best message.
#define FUZZ_REQUIRE(condition)                                                                    \
    do                                                                                             \
    {                                                                                              \
        if (!(condition))                                                                          \
        {                                                                                          \
            std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__,             \
                         #condition);                                                              \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace websockify::fuzz
{

inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) noexcept
{
    return std::as_bytes(std::span(data, size));
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept
{
    // Reading unsigned bytes as char is what the server does with what it receives.
    return {reinterpret_cast<const char*>(data), size};
}

inline std::string_view as_text(std::span<const std::byte> bytes) noexcept
{
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

/// Sizes of the reads an incremental decoder is fed, as a socket might deliver them. Pattern 0
/// gives everything at once, 1 one byte at a time, and n > 1 pseudo-random sizes in 1..n, so one
/// input byte lets the fuzzer explore every split without a byte per split.
class chunk_sizes
{
public:
    explicit chunk_sizes(std::uint8_t pattern) noexcept : pattern_(pattern), state_(pattern + 1U) {}

    /// The next chunk size, at least 1 and at most remaining (which must be non-zero).
    std::size_t next(std::size_t remaining) noexcept
    {
        if (pattern_ == 0)
        {
            return remaining;
        }
        // xorshift32: any fixed pseudo-random sequence will do, it only has to be reproducible.
        state_ ^= state_ << 13U;
        state_ ^= state_ >> 17U;
        state_ ^= state_ << 5U;
        const std::size_t size = 1 + state_ % pattern_;
        return size < remaining ? size : remaining;
    }

private:
    std::uint32_t pattern_;
    std::uint32_t state_;
};

} // namespace websockify::fuzz
