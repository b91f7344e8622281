#include "websockify/server/target_policy.hpp"

#include "websockify/token/allow_list.hpp"

#include <algorithm>

namespace websockify::server
{
namespace
{

bool endpoint_allowed(const token::target_allow_list& list, const net::tcp::endpoint& endpoint)
{
    const auto address = token::ip_address::parse(endpoint.address().to_string());
    return address && list.allows_address(*address, endpoint.port());
}

/// Names that a rule could admit through their addresses; IP literals and unix paths were
/// decided as written.
bool decided_by_addresses(const token::target& where, const token::target_allow_list& list)
{
    return !where.is_unix() && !token::ip_address::parse(where.host) && list.has_address_rules();
}

config::endpoint endpoint_of(const token::target& where)
{
    return config::endpoint{where.host, where.port};
}

} // namespace

net::awaitable<std::optional<std::string>> target_refusal(const token::target& where,
                                                          const shared_state& state)
{
    const auto& list = state.allowed_targets;
    if (list.allows_as_written(where))
    {
        co_return std::nullopt;
    }
    const auto target_text = token::to_string(where);
    if (!decided_by_addresses(where, list))
    {
        co_return "target " + target_text + " is not in --allow-target";
    }
    const auto endpoint = endpoint_of(where);
    const auto resolved = co_await net::resolve_target(endpoint, state.settings.connect_timeout);
    if (!resolved)
    {
        co_return "target " + target_text + " does not resolve (" + resolved.error().message() +
            "), so --allow-target cannot admit it";
    }
    const bool any_allowed =
        std::any_of(resolved->begin(), resolved->end(),
                    [&](const net::tcp::endpoint& e) { return endpoint_allowed(list, e); });
    if (!any_allowed)
    {
        co_return "target " + target_text + " resolves only to addresses outside --allow-target";
    }
    co_return std::nullopt;
}

std::optional<net::endpoint_filter> connect_filter(const token::target& where,
                                                   const shared_state& state)
{
    const auto& list = state.allowed_targets;
    if (list.allows_as_written(where) || !decided_by_addresses(where, list))
    {
        return std::nullopt;
    }
    return net::endpoint_filter([&list](const net::tcp::endpoint& endpoint)
                                { return endpoint_allowed(list, endpoint); });
}

} // namespace websockify::server
