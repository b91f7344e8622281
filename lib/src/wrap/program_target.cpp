#include "websockify/wrap/program_target.hpp"

namespace websockify::wrap
{

config::endpoint program_target(std::uint16_t loopback_port)
{
    config::endpoint target;
    target.host = "localhost";
    target.port = loopback_port;
    return target;
}

std::chrono::milliseconds connect_retry_window(const config::settings& settings)
{
    using namespace std::chrono_literals;
    return settings.wrap.command.empty() ? 0ms : 5'000ms;
}

std::string command_text(const std::vector<std::string>& command)
{
    std::string text;
    for (const auto& argument : command)
    {
        text += (text.empty() ? "" : " ") + argument;
    }
    return text;
}

} // namespace websockify::wrap
