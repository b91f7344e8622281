#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bench
{

/// Stream bytes used by the upload and source targets: byte k of a connection's stream is
/// k mod 251, so a lost, duplicated or reordered byte shows up wherever it happens (251 is a
/// prime, so no power-of-two chunking lines up with the period).
inline constexpr std::size_t pattern_period = 251;

/// `size + pattern_period` bytes of the pattern from offset 0: the slice starting at
/// `offset % pattern_period` is the stream at any offset.
std::vector<std::byte> make_pattern(std::size_t size);

/// The part of `pattern` (from make_pattern) that continues a stream at `offset`.
std::span<const std::byte> pattern_at(const std::vector<std::byte>& pattern, std::uint64_t offset,
                                      std::size_t size);

/// True when `data` is the stream's content at `offset`.
bool matches_pattern(std::span<const std::byte> data, std::uint64_t offset) noexcept;

} // namespace bench
