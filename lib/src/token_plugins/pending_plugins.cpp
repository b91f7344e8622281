// Plugins whose backends are still being built (issue #5): they stop startup with a clear
// message. Each moves to its own file when it lands.
#include "websockify/net/listener.hpp"
#include "websockify/token_plugins/plugins.hpp"

namespace websockify::token_plugins
{
namespace
{

[[noreturn]] void not_yet(const char* plugin)
{
    throw net::startup_error(std::string("--token-plugin ") + plugin +
                             " is not supported yet by this websockify version");
}

} // namespace

std::unique_ptr<token_plugin> make_token_api_plugin(const std::string& /*source*/, bool json,
                                                    const plugin_context& /*context*/)
{
    not_yet(json ? "JSONTokenApi" : "BaseTokenAPI");
}

std::unique_ptr<token_plugin> make_jwt_plugin(const std::string& /*source*/,
                                              const plugin_context& /*context*/)
{
    not_yet("JWTTokenApi");
}

std::unique_ptr<token_plugin> make_redis_plugin(const std::string& /*source*/,
                                                const plugin_context& /*context*/)
{
    not_yet("TokenRedis");
}

} // namespace websockify::token_plugins
