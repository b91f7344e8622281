#include "websockify/net/endpoint_name.hpp"

#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>

namespace websockify::net
{
namespace
{

using generic_endpoint = asio::generic::stream_protocol::endpoint;

std::string unix_path(const generic_endpoint& endpoint)
{
    if (endpoint.data()->sa_family != AF_UNIX)
    {
        return {};
    }
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's shape
    const auto* address = reinterpret_cast<const sockaddr_un*>(endpoint.data());
    const auto path_bytes = endpoint.size() - offsetof(sockaddr_un, sun_path);
    return {address->sun_path, ::strnlen(address->sun_path, path_bytes)};
}

} // namespace

std::optional<tcp::endpoint> as_tcp(const generic_endpoint& endpoint)
{
    const auto family = endpoint.data()->sa_family;
    if (family != AF_INET && family != AF_INET6)
    {
        return std::nullopt;
    }
    tcp::endpoint result;
    std::memcpy(result.data(), endpoint.data(), endpoint.size());
    result.resize(endpoint.size());
    return result;
}

peer_name name_peer(const stream_socket& socket)
{
    asio::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec)
    {
        return {"unknown", 0};
    }
    if (const auto tcp_remote = as_tcp(remote))
    {
        auto address = tcp_remote->address();
        if (address.is_v6() && address.to_v6().is_v4_mapped())
        {
            address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
        }
        return {address.to_string(), tcp_remote->port()};
    }
    return {"unix:" + unix_path(socket.local_endpoint(ec)), 0};
}

listener_name name_listener(const stream_acceptor& acceptor)
{
    asio::error_code ec;
    const auto local = acceptor.local_endpoint(ec);
    if (ec)
    {
        return {};
    }
    if (const auto tcp_local = as_tcp(local))
    {
        return {{}, tcp_local->port()};
    }
    return {unix_path(local), 0};
}

} // namespace websockify::net
