#include "websockify/config/config.hpp"

#include <filesystem>

namespace websockify::config
{
namespace
{

void make_absolute(std::string& path)
{
    if (!path.empty())
    {
        std::error_code ignored;
        auto absolute = std::filesystem::absolute(path, ignored);
        if (!absolute.empty())
        {
            path = absolute.string();
        }
    }
}

/// Plugins whose --token-source is a file or directory (the others take URLs or addresses).
bool source_is_path(const std::string& plugin)
{
    const auto name = plugin.substr(plugin.rfind('.') + 1);
    return name == "TokenFile" || name == "ReadOnlyTokenFile" || name == "TokenFileName" ||
           name == "UnixDomainSocketDirectory" || name == "JWTTokenApi";
}

} // namespace

void make_paths_absolute(settings& s)
{
    if (source_is_path(s.tokens.plugin))
    {
        make_absolute(s.tokens.source);
    }
    for (auto* path :
         {&s.tls.cert, &s.tls.key, &s.tls.cafile, &s.target_tls.cafile, &s.web, &s.unix_listen,
          &s.unix_target, &s.lifecycle.pid_file, &s.wrap.rebind_library, &s.record})
    {
        make_absolute(*path);
    }
    // Also reopened after the daemon's chdir("/"), on SIGHUP.
    make_absolute(s.log_to.file);
    if (is_syslog_path(s.log_to.syslog))
    {
        make_absolute(s.log_to.syslog);
    }
}

} // namespace websockify::config
