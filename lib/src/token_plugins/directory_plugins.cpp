#include "websockify/net/listener.hpp"
#include "websockify/token_plugins/plugins.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace websockify::token_plugins
{
namespace
{

namespace fs = std::filesystem;

/// A token used as a file name must name a file directly inside the directory.
bool is_plain_file_name(const std::string& token)
{
    return !token.empty() && token != "." && token != ".." &&
           token.find_first_of(std::string_view("/\0", 2)) == std::string::npos;
}

fs::path existing_directory(const std::string& source, const char* plugin)
{
    std::error_code ec;
    auto directory = fs::canonical(source, ec);
    if (ec || !fs::is_directory(directory, ec))
    {
        throw net::startup_error(std::string(plugin) + " source '" + source +
                                 "' is not a directory");
    }
    return directory;
}

class token_file_name_plugin final : public token_plugin
{
public:
    explicit token_file_name_plugin(const std::string& source)
        : directory_(existing_directory(source, "TokenFileName"))
    {
    }

    net::awaitable<lookup_result> lookup(std::string token) override
    {
        if (!is_plain_file_name(token))
        {
            co_return lookup_result::fail(failure_kind::invalid_token,
                                          "token is not a plain file name");
        }
        std::ifstream in(directory_ / token);
        if (!in)
        {
            co_return lookup_result::fail(failure_kind::unknown_token,
                                          "no file " + (directory_ / token).string());
        }
        std::stringstream text;
        text << in.rdbuf();
        auto where = token::parse_target(text.str());
        if (!where)
        {
            co_return lookup_result::fail(failure_kind::backend_failed,
                                          (directory_ / token).string() +
                                              " does not hold host:port");
        }
        co_return lookup_result::success(std::move(*where));
    }

private:
    fs::path directory_;
};

class unix_socket_directory_plugin final : public token_plugin
{
public:
    explicit unix_socket_directory_plugin(const std::string& source)
        : directory_(existing_directory(source, "UnixDomainSocketDirectory"))
    {
    }

    net::awaitable<lookup_result> lookup(std::string token) override
    {
        if (!is_plain_file_name(token))
        {
            co_return lookup_result::fail(failure_kind::invalid_token,
                                          "token is not a plain file name");
        }
        const auto path = directory_ / token;
        struct stat info
        {
        };
        if (::stat(path.c_str(), &info) != 0)
        {
            co_return lookup_result::fail(failure_kind::unknown_token,
                                          "no socket " + path.string());
        }
        if (!S_ISSOCK(info.st_mode))
        {
            co_return lookup_result::fail(failure_kind::unknown_token,
                                          path.string() + " is not a socket");
        }
        token::target where;
        where.unix_path = path.string();
        co_return lookup_result::success(std::move(where));
    }

private:
    fs::path directory_;
};

} // namespace

std::unique_ptr<token_plugin> make_token_file_name_plugin(const std::string& source)
{
    return std::make_unique<token_file_name_plugin>(source);
}

std::unique_ptr<token_plugin> make_unix_socket_directory_plugin(const std::string& source)
{
    return std::make_unique<unix_socket_directory_plugin>(source);
}

} // namespace websockify::token_plugins
