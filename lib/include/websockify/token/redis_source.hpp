#pragma once

#include "websockify/error/result.hpp"
#include "websockify/token/target.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace websockify::token
{

/// Where TokenRedis finds its tokens.
struct redis_source
{
    std::string host;
    std::uint16_t port = 6379;
    unsigned db = 0;
    std::optional<std::string> password; ///< AUTH when set
    std::string key_prefix;              ///< "namespace:" or empty

    friend bool operator==(const redis_source&, const redis_source&) = default;
};

/// Python websockify's TokenRedis source `host[:port[:db[:password[:namespace]]]]`, split at
/// ':': an empty port, db or password keeps its default (6379, 0, none), and everything after
/// the fourth ':' is the namespace (which may itself hold ':'). Nothing when the host is empty,
/// the port is not 1..65535 or the db is not a number.
std::optional<redis_source> parse_redis_source(std::string_view text);

/// The Redis key of `token`: the namespace, a ':', the token (Python's "namespace:token").
std::string redis_key(const redis_source& source, std::string_view token);

/// A TokenRedis value: JSON `{"host": "h:p"}` or plain `h:p`, surrounding whitespace ignored.
/// Errors: bad_target.
result<target> parse_redis_value(std::string_view value);

} // namespace websockify::token
