#include "websockify/config/log_destination.hpp"

namespace websockify::config
{

bool is_syslog_path(std::string_view server)
{
    return server.starts_with('/') || server.starts_with('.') ||
           server.find(':') == std::string_view::npos;
}

} // namespace websockify::config
