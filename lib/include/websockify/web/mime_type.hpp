#pragma once

#include <string_view>

namespace websockify::web
{

/// Content-Type for a file name, by its extension (ASCII case-insensitive). Text types carry
/// "; charset=utf-8"; an unknown or missing extension gives "application/octet-stream".
/// A leading dot alone (".bashrc") is not an extension.
std::string_view mime_type(std::string_view file_name) noexcept;

} // namespace websockify::web
