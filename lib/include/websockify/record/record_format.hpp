#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace websockify::record
{

/// Which way recorded bytes went, as noVNC's playback reads the marker.
enum class direction : char
{
    to_client = '{',   ///< target -> client
    from_client = '}', ///< client -> target
};

/// The opening line of a recording: a JavaScript array that noVNC's playback page loads.
inline constexpr std::string_view file_header = "var VNC_frame_data = [\n";
/// The closing line, written however the session ended.
inline constexpr std::string_view file_footer = "'EOF'];\n";

/// One array element for `bytes` moved `ms` milliseconds after the upgrade:
/// `'{<ms>{<data>',` with printable ASCII as is, `\\`, `\'`, `\t`, `\n`, `\r` escaped and
/// every other byte as `\xNN` (spec §7), so the file is valid JavaScript for any bytes.
std::string format_entry(direction way, std::uint64_t ms, std::span<const std::byte> bytes);

/// How many characters format_entry() writes for `value` (1, 2 or 4).
std::size_t escaped_size(std::byte value) noexcept;

/// format_entry()'s characters around the data for a time of `ms`: quote, markers, digits and
/// the closing "',\n".
std::size_t entry_overhead(std::uint64_t ms) noexcept;

/// The longest prefix of `bytes` whose escaped data fits in `room` characters: how a recording
/// splits bytes across entries (and files) to stay under a size limit.
std::size_t fitting_prefix(std::span<const std::byte> bytes, std::size_t room) noexcept;

} // namespace websockify::record
