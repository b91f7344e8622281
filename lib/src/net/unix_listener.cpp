#include "websockify/net/unix_listener.hpp"

#include "websockify/net/listener.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace websockify::net
{
namespace
{

using local = asio::local::stream_protocol;

/// Someone answers on the socket file: another server owns it.
bool someone_listens(const asio::any_io_executor& executor, const std::string& path)
{
    local::socket probe(executor);
    asio::error_code ec;
    probe.connect(local::endpoint(path), ec);
    return !ec;
}

/// Clears the way for bind(): only a socket file that nobody listens on may be removed.
void remove_stale_socket(const asio::any_io_executor& executor, const std::string& path)
{
    struct stat info
    {
    };
    if (::lstat(path.c_str(), &info) != 0)
    {
        return; // nothing there
    }
    if (!S_ISSOCK(info.st_mode))
    {
        throw startup_error("cannot listen on unix socket '" + path +
                            "': the file exists and is not a socket");
    }
    if (someone_listens(executor, path))
    {
        throw startup_error("cannot listen on unix socket '" + path +
                            "': another process is listening on it");
    }
    ::unlink(path.c_str());
}

} // namespace

stream_acceptor open_unix_listener(const asio::any_io_executor& executor, const std::string& path,
                                   mode_t mode)
{
    if (path.size() >= sizeof(sockaddr_un::sun_path))
    {
        throw startup_error("cannot listen on unix socket '" + path + "': the path is too long");
    }
    remove_stale_socket(executor, path);
    local::acceptor acceptor(executor);
    asio::error_code ec;
    acceptor.open(local(), ec);
    if (!ec)
    {
        acceptor.bind(local::endpoint(path), ec);
    }
    // The mode is set before listen(): until then nobody can connect, whatever the umask gave.
    if (!ec && ::chmod(path.c_str(), mode) != 0)
    {
        ec = asio::error_code(errno, asio::system_category());
    }
    if (!ec)
    {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec)
    {
        throw startup_error("cannot listen on unix socket '" + path + "': " + ec.message());
    }
    return stream_acceptor(std::move(acceptor));
}

unix_socket_file::~unix_socket_file()
{
    ::unlink(path_.c_str());
}

} // namespace websockify::net
