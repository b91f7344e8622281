#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace websockify::wrap
{

/// Where rebind.so is looked for, in order: `explicit_path` alone when given
/// (--rebind-library); else beside the executable (the build tree puts it next to
/// app/websockify), then `<exe dir>/../lib/websockify/` (the install layout).
std::vector<std::filesystem::path>
rebind_library_candidates(const std::string& explicit_path,
                          const std::filesystem::path& executable_directory);

/// The first candidate that is a regular file, made absolute: the loader would resolve a
/// relative LD_PRELOAD entry against the program's working directory. Throws
/// net::startup_error naming the places looked at when there is none.
std::filesystem::path find_rebind_library(const std::string& explicit_path,
                                          const std::filesystem::path& executable_directory);

/// The directory of the running executable (/proc/self/exe); empty when unknown.
std::filesystem::path executable_directory();

} // namespace websockify::wrap
