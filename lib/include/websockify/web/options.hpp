#pragma once

#include <filesystem>

namespace websockify::web
{

/// What `--web DIR` and `--file-only` configure.
struct options
{
    std::filesystem::path root; ///< the served directory; nothing outside it is ever sent
    bool file_only = false;     ///< no directory listings: a directory without index is 404
};

} // namespace websockify::web
