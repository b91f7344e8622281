#pragma once

#include "websockify/error/result.hpp"
#include "websockify/token/target.hpp"

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace websockify::token
{

/// The target named by a JSON object's "host" (a string) and "port" (an integer, or a string
/// of digits, as Python's token APIs send either): JSONTokenApi answers and JWT claims.
/// Errors: bad_target (not an object, a field missing or of another type, port not 1..65535).
result<target> target_from_json(const nlohmann::json& object);

/// target_from_json() of JSON text; text that is not JSON gives bad_target.
result<target> parse_json_target(std::string_view text);

} // namespace websockify::token
