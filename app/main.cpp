#include "cli.hpp"
#include "websockify/log/log.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/server/server.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    using namespace websockify;
    const auto command = app::parse_command_line(argc, argv);
    if (!command.settings)
    {
        return command.exit_code;
    }
    const auto& settings = *command.settings;
    try
    {
        // Before the daemon forks, so that a log file that cannot be opened is reported here.
        log::setup(settings.log, settings.verbose, settings.log_to);
        log::enable_traffic(settings.traffic);
        return server::run(settings);
    }
    catch (const log::destination_error& e)
    {
        std::cerr << "websockify: " << e.what() << '\n';
        return 1;
    }
    catch (const config::invalid_argument& e)
    {
        // A bad option value only found when it is used, e.g. an unknown plugin name.
        std::cerr << "websockify: " << e.what() << '\n';
        return 2;
    }
    catch (const net::startup_error& e)
    {
        std::cerr << "websockify: " << e.what() << '\n';
        return 1;
    }
    catch (const std::exception& e)
    {
        std::cerr << "websockify: fatal: " << e.what() << '\n';
        return 1;
    }
}
