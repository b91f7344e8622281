#include "websockify/process/pid_file.hpp"

#include "websockify/net/listener.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace websockify::process
{

pid_file::pid_file(std::string path)
    : path_(std::move(path)), content_(std::to_string(::getpid()) + "\n")
{
    const auto temporary = path_ + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << content_;
        out.flush();
        if (!out)
        {
            const auto why = std::string(std::strerror(errno));
            ::unlink(temporary.c_str());
            throw net::startup_error("cannot write pid file '" + path_ + "': " + why);
        }
    }
    if (::rename(temporary.c_str(), path_.c_str()) != 0)
    {
        const auto why = std::string(std::strerror(errno));
        ::unlink(temporary.c_str());
        throw net::startup_error("cannot write pid file '" + path_ + "': " + why);
    }
}

pid_file::~pid_file()
{
    std::ifstream in(path_);
    std::stringstream current;
    current << in.rdbuf();
    if (current.str() == content_)
    {
        ::unlink(path_.c_str());
    }
}

} // namespace websockify::process
