#include "websockify/log/log.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/token/token_file.hpp"
#include "websockify/token_plugins/plugins.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <tuple>
#include <vector>

namespace websockify::token_plugins
{
namespace
{

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// A busy server asks on every connection; the files are looked at no more often than this.
constexpr auto change_check_interval = 1s;

/// What identifies the files' contents cheaply: each file's path, size and mtime.
using file_signature = std::vector<std::tuple<std::string, std::uintmax_t, fs::file_time_type>>;

std::vector<fs::path> token_files(const fs::path& source)
{
    std::error_code ec;
    if (!fs::is_directory(source, ec))
    {
        return {source};
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source, ec))
    {
        if (entry.is_regular_file(ec))
        {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end()); // a stable order: later files win on duplicates
    return files;
}

file_signature signature_of(const fs::path& source)
{
    file_signature signature;
    for (const auto& file : token_files(source))
    {
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        const auto modified = fs::last_write_time(file, ec);
        signature.emplace_back(file.string(), size, modified);
    }
    return signature;
}

token::parsed_tokens read_tokens(const fs::path& source)
{
    token::parsed_tokens all;
    for (const auto& file : token_files(source))
    {
        std::ifstream in(file);
        if (!in)
        {
            all.problems.push_back(file.string() + ": cannot be read");
            continue;
        }
        std::stringstream text;
        text << in.rdbuf();
        token::merge_tokens(all, token::parse_token_file(text.str(), file.string()));
    }
    return all;
}

class token_file_plugin final : public token_plugin
{
public:
    token_file_plugin(fs::path source, bool watch) : source_(std::move(source)), watch_(watch)
    {
        std::error_code ec;
        if (!fs::exists(source_, ec))
        {
            throw net::startup_error("token source '" + source_.string() + "' does not exist");
        }
        load();
    }

    net::awaitable<lookup_result> lookup(std::string token) override { co_return find(token); }

    bool reload() override
    {
        std::error_code ec;
        if (!fs::exists(source_, ec))
        {
            log::server_warn("SIGHUP: token source " + source_.string() +
                             " is gone, keeping the previous tokens");
            return true;
        }
        const std::lock_guard lock(mutex_);
        load(); // unreadable files and bad lines are logged one by one
        log::server_info("SIGHUP: token source " + source_.string() +
                         " reloaded: " + std::to_string(tokens_.size()) + " tokens");
        return true;
    }

private:
    /// Sessions on every thread look up, and the first after a change reloads: one lock
    /// around both. A lookup is a hash find, and a stat of the files once a second.
    lookup_result find(const std::string& token)
    {
        const std::lock_guard lock(mutex_);
        if (watch_)
        {
            reload_if_changed();
        }
        const auto found = tokens_.find(token);
        if (found == tokens_.end())
        {
            return lookup_result::fail(failure_kind::unknown_token,
                                       "no such token in " + source_.string());
        }
        return lookup_result::success(found->second);
    }

    void load()
    {
        signature_ = signature_of(source_);
        auto parsed = read_tokens(source_);
        for (const auto& problem : parsed.problems)
        {
            log::server_warn("token file: " + problem + " (line skipped)");
        }
        tokens_ = std::move(parsed.targets);
        checked_ = std::chrono::steady_clock::now();
    }

    void reload_if_changed()
    {
        const auto now = std::chrono::steady_clock::now();
        if (now - checked_ < change_check_interval)
        {
            return;
        }
        checked_ = now;
        if (signature_of(source_) == signature_)
        {
            return;
        }
        load();
        log::server_info("token file " + source_.string() +
                         " changed: " + std::to_string(tokens_.size()) + " tokens loaded");
    }

    fs::path source_;
    bool watch_;
    std::mutex mutex_; ///< guards everything below
    std::unordered_map<std::string, token::target> tokens_;
    file_signature signature_;
    std::chrono::steady_clock::time_point checked_;
};

} // namespace

std::unique_ptr<token_plugin> make_token_file_plugin(const std::string& source, bool watch)
{
    return std::make_unique<token_file_plugin>(source, watch);
}

} // namespace websockify::token_plugins
