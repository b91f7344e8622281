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

} // namespace websockify::record
