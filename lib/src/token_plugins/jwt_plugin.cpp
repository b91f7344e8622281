// JWTTokenApi: the token itself is a signed JWT naming the target, so a lookup is only a
// signature check (tens of microseconds) and runs on the server thread.
#include "websockify/log/log.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/token/jwt.hpp"
#include "websockify/token_plugins/plugins.hpp"

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

namespace websockify::token_plugins
{
namespace
{

token::jwt_key load_key_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw net::startup_error("JWTTokenApi key file '" + path + "' cannot be read");
    }
    std::stringstream contents;
    contents << in.rdbuf();
    auto key = token::load_jwt_key(contents.str());
    if (!key)
    {
        throw net::startup_error("JWTTokenApi key file '" + path + "': " + key.error().message());
    }
    return std::move(*key);
}

lookup_result verify(const token::jwt_key& key, const std::string& token)
{
    auto where = token::verify_jwt(token, key, std::chrono::system_clock::now());
    if (!where)
    {
        return lookup_result::fail(failure_kind::invalid_token, where.error().message());
    }
    return lookup_result::success(std::move(*where));
}

class jwt_plugin final : public token_plugin
{
public:
    explicit jwt_plugin(std::string path)
        : path_(std::move(path)), key_(std::make_shared<const token::jwt_key>(load_key_file(path_)))
    {
    }

    net::awaitable<lookup_result> lookup(std::string token) override
    {
        // The key a lookup started with stays alive through a concurrent rotation.
        const auto key = current_key();
        co_return verify(*key, token);
    }

    /// Key rotation without a restart: the new key applies to the next lookup.
    bool reload() override
    {
        try
        {
            auto next = std::make_shared<const token::jwt_key>(load_key_file(path_));
            const std::lock_guard lock(mutex_);
            key_ = std::move(next);
        }
        catch (const net::startup_error& e)
        {
            log::server_warn(std::string("SIGHUP: keeping the previous JWT key: ") + e.what());
            return true;
        }
        log::server_info("SIGHUP: JWT key reloaded from " + path_);
        return true;
    }

private:
    std::shared_ptr<const token::jwt_key> current_key()
    {
        const std::lock_guard lock(mutex_);
        return key_;
    }

    std::string path_;
    std::mutex mutex_; ///< guards key_: sessions on every thread read it, SIGHUP replaces it
    std::shared_ptr<const token::jwt_key> key_;
};

} // namespace

std::unique_ptr<token_plugin> make_jwt_plugin(const std::string& source,
                                              const plugin_context& /*context*/)
{
    return std::make_unique<jwt_plugin>(source);
}

} // namespace websockify::token_plugins
