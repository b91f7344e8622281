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

} // namespace

void make_paths_absolute(settings& s)
{
    for (auto* path :
         {&s.tls.cert, &s.tls.key, &s.tls.cafile, &s.target_tls.cafile, &s.web, &s.unix_listen,
          &s.unix_target, &s.lifecycle.pid_file, &s.wrap.rebind_library})
    {
        make_absolute(*path);
    }
}

} // namespace websockify::config
