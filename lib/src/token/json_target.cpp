#include "websockify/token/json_target.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace websockify::token
{

result<target> target_from_json(const nlohmann::json& object)
{
    if (!object.is_object())
    {
        return error::bad_target;
    }
    const auto host = object.find("host");
    const auto port = object.find("port");
    if (host == object.end() || port == object.end() || !host->is_string())
    {
        return error::bad_target;
    }
    std::string port_text;
    if (port->is_number_unsigned())
    {
        port_text = std::to_string(port->get<std::uint64_t>());
    }
    else if (port->is_string())
    {
        port_text = port->get<std::string>();
    }
    else
    {
        return error::bad_target;
    }
    // parse_target() validates both halves: a non-empty host, a port of 1..65535. Its split at
    // the last ':' keeps a bare IPv6 host whole.
    return parse_target(host->get<std::string>() + ":" + port_text);
}

result<target> parse_json_target(std::string_view text)
{
    const auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded())
    {
        return error::bad_target;
    }
    return target_from_json(parsed);
}

} // namespace websockify::token
