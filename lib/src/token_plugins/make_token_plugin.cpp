#include "websockify/config/config.hpp"
#include "websockify/token_plugins/plugins.hpp"

namespace websockify::token_plugins
{

std::unique_ptr<token_plugin> make_token_plugin(const std::string& name, const std::string& source,
                                                const plugin_context& context)
{
    // Python accepts "websockify.token_plugins.TokenFile" as well as "TokenFile".
    const auto dot = name.rfind('.');
    const auto plugin = dot == std::string::npos ? name : name.substr(dot + 1);
    if (plugin == "TokenFile")
    {
        return make_token_file_plugin(source, true);
    }
    if (plugin == "ReadOnlyTokenFile")
    {
        return make_token_file_plugin(source, false);
    }
    if (plugin == "TokenFileName")
    {
        return make_token_file_name_plugin(source);
    }
    if (plugin == "UnixDomainSocketDirectory")
    {
        return make_unix_socket_directory_plugin(source);
    }
    if (plugin == "BaseTokenAPI" || plugin == "JSONTokenApi")
    {
        return make_token_api_plugin(source, plugin == "JSONTokenApi", context);
    }
    if (plugin == "JWTTokenApi")
    {
        return make_jwt_plugin(source, context);
    }
    if (plugin == "TokenRedis")
    {
        return make_redis_plugin(source, context);
    }
    throw config::invalid_argument(
        "unknown --token-plugin '" + name +
        "' (known: TokenFile, ReadOnlyTokenFile, TokenFileName, BaseTokenAPI, JSONTokenApi, "
        "JWTTokenApi, TokenRedis, UnixDomainSocketDirectory)");
}

} // namespace websockify::token_plugins
