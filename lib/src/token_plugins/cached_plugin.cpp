#include "websockify/log/log.hpp"
#include "websockify/token_plugins/plugins.hpp"

#include <mutex>
#include <unordered_map>

namespace websockify::token_plugins
{
namespace
{

using clock = std::chrono::steady_clock;

class cached_plugin final : public token_plugin
{
public:
    cached_plugin(std::unique_ptr<token_plugin> inner, std::chrono::milliseconds ttl,
                  std::size_t max_entries)
        : inner_(std::move(inner)), ttl_(ttl), max_entries_(max_entries)
    {
    }

    net::awaitable<lookup_result> lookup(std::string token) override
    {
        if (auto hit = cached(token))
        {
            co_return lookup_result::success(std::move(*hit));
        }
        auto result = co_await inner_->lookup(token);
        if (result.found)
        {
            remember(std::move(token), *result.found);
        }
        co_return result;
    }

    bool reload() override
    {
        {
            const std::lock_guard lock(mutex_);
            entries_.clear();
        }
        // A changed store must not keep answering from the cache for another TTL.
        log::server_info("SIGHUP: token cache cleared");
        inner_->reload();
        return true;
    }

private:
    struct entry
    {
        token::target where;
        clock::time_point expires;
    };

    std::optional<token::target> cached(const std::string& token)
    {
        const std::lock_guard lock(mutex_);
        const auto it = entries_.find(token);
        if (it == entries_.end())
        {
            return std::nullopt;
        }
        if (clock::now() >= it->second.expires)
        {
            entries_.erase(it);
            return std::nullopt;
        }
        return it->second.where;
    }

    void remember(std::string token, const token::target& where)
    {
        const std::lock_guard lock(mutex_);
        const auto now = clock::now();
        if (entries_.size() >= max_entries_)
        {
            std::erase_if(entries_, [now](const auto& item) { return now >= item.second.expires; });
        }
        if (entries_.size() >= max_entries_)
        {
            // Every entry is still fresh: a flood of distinct tokens. Starting over keeps the
            // bound; the cost is only extra lookups.
            entries_.clear();
        }
        entries_.insert_or_assign(std::move(token), entry{where, now + ttl_});
    }

    std::unique_ptr<token_plugin> inner_;
    std::chrono::milliseconds ttl_;
    std::size_t max_entries_;
    std::mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
};

} // namespace

std::unique_ptr<token_plugin> with_cache(std::unique_ptr<token_plugin> inner,
                                         std::chrono::milliseconds ttl, std::size_t max_entries)
{
    return std::make_unique<cached_plugin>(std::move(inner), ttl, max_entries);
}

} // namespace websockify::token_plugins
