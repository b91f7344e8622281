#include "websockify/net/listener.hpp"

#include <algorithm>
#include <vector>

namespace websockify::net
{
namespace
{

/// Binds and listens, or returns why not.
asio::error_code try_listen(tcp::acceptor& acceptor, const tcp::endpoint& endpoint)
{
    asio::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (ec)
    {
        return ec;
    }
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (endpoint.address().is_v6() && endpoint.address().is_unspecified())
    {
        // Dual stack: one socket for IPv6 and IPv4-mapped clients.
        acceptor.set_option(asio::ip::v6_only(false), ec);
    }
    if (!ec)
    {
        acceptor.bind(endpoint, ec);
    }
    if (!ec)
    {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec)
    {
        asio::error_code ignored;
        acceptor.close(ignored);
    }
    return ec;
}

std::vector<tcp::endpoint> candidates(const asio::any_io_executor& executor,
                                      const config::endpoint& where, bool prefer_ipv6)
{
    if (where.host.empty())
    {
        return {tcp::endpoint(tcp::v6(), where.port), tcp::endpoint(tcp::v4(), where.port)};
    }
    tcp::resolver resolver(executor);
    asio::error_code ec;
    const auto results =
        resolver.resolve(where.host, std::to_string(where.port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec)
    {
        throw startup_error("cannot resolve listen address '" + where.host + "': " + ec.message());
    }
    std::vector<tcp::endpoint> found;
    for (const auto& entry : results)
    {
        found.push_back(entry.endpoint());
    }
    std::stable_partition(found.begin(), found.end(),
                          [prefer_ipv6](const tcp::endpoint& e)
                          { return e.address().is_v6() == prefer_ipv6; });
    return found;
}

} // namespace

stream_acceptor open_listener(const asio::any_io_executor& executor, const config::endpoint& where,
                              bool prefer_ipv6)
{
    tcp::acceptor acceptor(executor);
    asio::error_code last;
    for (const auto& endpoint : candidates(executor, where, prefer_ipv6))
    {
        last = try_listen(acceptor, endpoint);
        if (!last)
        {
            return stream_acceptor(std::move(acceptor));
        }
        // An address family the host lacks is not the user's mistake: try the next one.
        if (last != asio::error::address_family_not_supported)
        {
            break;
        }
    }
    throw startup_error("cannot listen on " + config::to_string(where) + ": " + last.message());
}

} // namespace websockify::net
