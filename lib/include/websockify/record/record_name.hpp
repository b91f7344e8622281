#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace websockify::record
{

/// What a recording's file name may be built from.
struct name_fields
{
    std::uint64_t connection = 0;  ///< the connection's number, as in the logs ({n})
    std::string token;             ///< the session's token, empty without one ({token})
    std::string client;            ///< the client's address ({client})
    std::int64_t unix_seconds = 0; ///< when the session was upgraded ({time}, UTC)
};

/// Why `--record PATTERN` cannot be used, or nullopt when it can. A pattern without '{' is
/// Python's plain prefix; otherwise only {n}, {token}, {client} and {time} may appear, and only
/// in the file name, never in a directory (the directories are not created on demand).
std::optional<std::string> pattern_problem(std::string_view pattern);

/// True when `pattern` names files through placeholders rather than as Python's PREFIX.<n>.
bool is_pattern(std::string_view pattern);

/// The file for one session: PREFIX.<n> for a plain prefix (Python's naming), else the pattern
/// with each placeholder replaced. Field values are made safe for a file name first: bytes
/// outside [A-Za-z0-9._-] become '_', a leading '.' too, an empty value reads "none", and
/// values are cut at 64 bytes, so a token can never climb out of the directory.
/// `pattern` must have passed pattern_problem().
std::string file_name(std::string_view pattern, const name_fields& fields);

/// A field value as file_name() puts it in a name.
std::string safe_name_part(std::string_view value);

/// `path` with `suffix` added to its file name: before a letters-only extension ("a.js" and
/// "-2" give "a-2.js"), else at the end ("rec.7" and ".part2" give "rec.7.part2"). Used for the
/// parts of a rotated recording and to step around an existing file.
std::string with_suffix(std::string_view path, std::string_view suffix);

/// {time}'s text: 20261124T093015Z (ISO 8601 basic format, UTC: sorts as it reads).
std::string compact_utc_time(std::int64_t unix_seconds);

} // namespace websockify::record
