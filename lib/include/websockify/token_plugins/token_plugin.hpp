#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/token/target.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace websockify::token_plugins
{

/// Why a token led nowhere; each maps to an HTTP status for the client.
enum class failure_kind
{
    unknown_token,  ///< the store has no such token (404)
    invalid_token,  ///< the token is malformed, badly signed or expired (403)
    backend_failed, ///< the store could not be asked (502)
    timed_out,      ///< the store did not answer in time (504)
};

struct lookup_failure
{
    failure_kind kind = failure_kind::unknown_token;
    std::string detail; ///< for the log line, never for the client
};

/// A target, or why not.
struct lookup_result
{
    std::optional<token::target> found;
    lookup_failure failure; ///< meaningful when `found` is empty

    static lookup_result success(token::target where) { return {std::move(where), {}}; }
    static lookup_result fail(failure_kind kind, std::string detail)
    {
        return {std::nullopt, {kind, std::move(detail)}};
    }
};

/// Maps tokens to targets (--token-plugin NAME --token-source ARG). Sessions on every thread
/// share one plugin, so lookup() and reload() are thread-safe. lookup() never blocks the
/// calling thread: plugins that must wait on a file, a network service or a database do it on
/// a worker thread or asynchronously, bounded by `lookup_timeout`.
class token_plugin
{
public:
    token_plugin() = default;
    virtual ~token_plugin() = default;
    token_plugin(const token_plugin&) = delete;
    token_plugin& operator=(const token_plugin&) = delete;
    token_plugin(token_plugin&&) = delete;
    token_plugin& operator=(token_plugin&&) = delete;

    virtual net::awaitable<lookup_result> lookup(std::string token) = 0;

    /// SIGHUP: read again what the plugin loaded at startup (token files, a JWT key) and drop
    /// cached lookups. Logs what it did; a source that cannot be read is logged and the
    /// previous contents kept. False when the plugin keeps nothing to reload. Called on the
    /// server's thread while sessions on other threads (--threads) may be in lookup().
    virtual bool reload() { return false; }
};

/// What plugins may use: the server's executor (where lookup() is awaited) and a pool for
/// blocking work (HTTP, Redis).
struct plugin_context
{
    asio::any_io_executor executor;
    asio::thread_pool* workers = nullptr;
    std::chrono::milliseconds lookup_timeout{5'000};
};

/// The plugin for Python's NAME (TokenFile, ReadOnlyTokenFile, TokenFileName, BaseTokenAPI,
/// JSONTokenApi, JWTTokenApi, TokenRedis, UnixDomainSocketDirectory; a "module.Class" name
/// uses its last part). Throws config::invalid_argument for an unknown name and
/// net::startup_error for a source that cannot be used (missing file, bad key).
std::unique_ptr<token_plugin> make_token_plugin(const std::string& name, const std::string& source,
                                                const plugin_context& context);

} // namespace websockify::token_plugins
