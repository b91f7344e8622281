#pragma once

#include "websockify/token_plugins/token_plugin.hpp"

#include <memory>
#include <string>

// One factory per plugin family; make_token_plugin() picks by Python's name.
namespace websockify::token_plugins
{

/// TokenFile (`watch`: re-read when a file changes) and ReadOnlyTokenFile: a token file or a
/// directory of them.
std::unique_ptr<token_plugin> make_token_file_plugin(const std::string& source, bool watch);

/// TokenFileName: a directory where each file is named after its token and holds host:port.
std::unique_ptr<token_plugin> make_token_file_name_plugin(const std::string& source);

/// UnixDomainSocketDirectory: the token names a unix socket in the directory.
std::unique_ptr<token_plugin> make_unix_socket_directory_plugin(const std::string& source);

/// BaseTokenAPI (`json` false: the body is host:port) and JSONTokenApi (a JSON object with
/// host and port): an HTTP(S) GET of `source` with %s replaced by the URL-encoded token.
std::unique_ptr<token_plugin> make_token_api_plugin(const std::string& source, bool json,
                                                    const plugin_context& context);

/// JWTTokenApi: the token is a JWS (HS256, RS256, ES256) verified with the key in `source`;
/// its claims host and port name the target; nbf and exp are honoured.
std::unique_ptr<token_plugin> make_jwt_plugin(const std::string& source,
                                              const plugin_context& context);

/// TokenRedis: source host[:port[:db[:password[:namespace]]]]; the value of key
/// [namespace:]token is JSON {"host": "h:p"} or plain h:p.
std::unique_ptr<token_plugin> make_redis_plugin(const std::string& source,
                                                const plugin_context& context);

} // namespace websockify::token_plugins

namespace websockify::token_plugins
{

/// --token-cache-ttl: `inner` behind a cache of found targets, each reused for `ttl`. Only
/// successes are kept (a refused token is asked again, so a token added to the store works at
/// once); at most `max_entries` are held, so a flood of distinct tokens cannot grow memory.
std::unique_ptr<token_plugin> with_cache(std::unique_ptr<token_plugin> inner,
                                         std::chrono::milliseconds ttl,
                                         std::size_t max_entries = 10'000);

} // namespace websockify::token_plugins
