// Fuzzes the targets of JSONTokenApi answers and TokenRedis values: parse_json_target
// (token/json_target.hpp) and parse_redis_value (token/redis_source.hpp), with parse_target
// (token/target.hpp) beneath both, plus parse_redis_source of the --token-source text.
//
// Input: the whole input is the JSON answer, the Redis value and the Redis source.
//
// Properties checked besides "no crash":
//  - each parser is deterministic;
//  - a parsed target is a TCP target: non-empty host, port 1..65535, no unix path;
//  - the target survives being written back: {"host": "[HOST]", "port": PORT} (port as a
//    number and as a string) gives it again, and so does the Redis value {"host": "[HOST]:PORT"}
//    and the plain "[HOST]:PORT" (the JSON forms only for a UTF-8 host);
//  - a Redis value that does not start with '{' parses exactly as parse_target does;
//  - a JSON text that is not an object, or lacks a string host, is refused;
//  - a parsed Redis source has a non-empty host without ':', and a key prefix that is empty or
//    ends in ':'.

#include "fuzz_support.hpp"
#include "websockify/token/json_target.hpp"
#include "websockify/token/redis_source.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;

void check_target(const token::target& where)
{
    FUZZ_REQUIRE(!where.is_unix());
    FUZZ_REQUIRE(!where.host.empty());
    FUZZ_REQUIRE(where.port >= 1);
}

/// `value` as JSON text, or nothing when it holds a string that is not UTF-8 (which a host
/// from a Redis value or parse_target may be, and which JSON cannot carry).
std::optional<std::string> dump(const nlohmann::json& value)
{
    try
    {
        return value.dump();
    }
    catch (const nlohmann::json::type_error&)
    {
        return std::nullopt;
    }
}

void check_written_back(const token::target& where)
{
    const auto host_port = "[" + where.host + "]:" + std::to_string(where.port);
    const auto plain = token::parse_redis_value(host_port);
    FUZZ_REQUIRE(plain && *plain == where);

    const auto bracketed = "[" + where.host + "]";
    if (!dump(bracketed))
    {
        return;
    }
    const nlohmann::json as_number{{"host", bracketed}, {"port", where.port}};
    const nlohmann::json as_string{{"host", bracketed}, {"port", std::to_string(where.port)}};
    for (const auto& object : {as_number, as_string})
    {
        const auto again = token::parse_json_target(object.dump());
        FUZZ_REQUIRE(again && *again == where);
    }
    const auto json_value = token::parse_redis_value(nlohmann::json{{"host", host_port}}.dump());
    FUZZ_REQUIRE(json_value && *json_value == where);
}

void check_json_target(std::string_view text)
{
    const auto result = token::parse_json_target(text);
    const auto again = token::parse_json_target(text);
    FUZZ_REQUIRE(result.has_value() == again.has_value());
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!result)
    {
        FUZZ_REQUIRE(result.error() == error::bad_target && again.error() == result.error());
        return;
    }
    FUZZ_REQUIRE(*result == *again);
    FUZZ_REQUIRE(!json.is_discarded() && json.is_object());
    FUZZ_REQUIRE(json.contains("host") && json["host"].is_string() && json.contains("port"));
    FUZZ_REQUIRE(json["port"].is_number_unsigned() || json["port"].is_string());
    const auto from_object = token::target_from_json(json);
    FUZZ_REQUIRE(from_object && *from_object == *result);
    check_target(*result);
    check_written_back(*result);
}

void check_redis_value(std::string_view text)
{
    const auto result = token::parse_redis_value(text);
    const auto again = token::parse_redis_value(text);
    FUZZ_REQUIRE(result.has_value() == again.has_value());
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || text[first] != '{')
    {
        const auto plain = token::parse_target(text);
        FUZZ_REQUIRE(plain.has_value() == result.has_value());
        FUZZ_REQUIRE(!plain || *plain == *result);
    }
    if (!result)
    {
        FUZZ_REQUIRE(result.error() == error::bad_target && again.error() == result.error());
        return;
    }
    FUZZ_REQUIRE(*result == *again);
    check_target(*result);
    check_written_back(*result);
}

void check_redis_source(std::string_view text)
{
    const auto source = token::parse_redis_source(text);
    FUZZ_REQUIRE(source == token::parse_redis_source(text));
    if (!source)
    {
        return;
    }
    FUZZ_REQUIRE(!source->host.empty() && source->host.find(':') == std::string::npos);
    FUZZ_REQUIRE(text.starts_with(source->host));
    FUZZ_REQUIRE(source->port >= 1);
    FUZZ_REQUIRE(source->key_prefix.empty() || source->key_prefix.back() == ':');
    FUZZ_REQUIRE(!source->password ||
                 (!source->password->empty() && source->password->find(':') == std::string::npos));
    FUZZ_REQUIRE(token::redis_key(*source, "tok") == source->key_prefix + "tok");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = as_text(data, size);
    check_json_target(text);
    check_redis_value(text);
    check_redis_source(text);
    return 0;
}
