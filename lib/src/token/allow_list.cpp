#include "websockify/token/allow_list.hpp"

#include "websockify/token/trim.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace websockify::token
{
namespace
{

std::string lower(std::string_view text)
{
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

[[noreturn]] void bad_rule(std::string_view rule, std::string_view why)
{
    throw std::invalid_argument("--allow-target '" + std::string(rule) + "': " + std::string(why));
}

std::optional<unsigned> parse_number(std::string_view text, unsigned largest)
{
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > largest)
    {
        return std::nullopt;
    }
    return value;
}

/// "5900" or "5900-5999" into the rule's port range.
void parse_ports(std::string_view rule, std::string_view text, allow_rule& into)
{
    const auto dash = text.find('-');
    const auto first = parse_number(text.substr(0, dash), 65535);
    const auto last =
        dash == std::string_view::npos ? first : parse_number(text.substr(dash + 1), 65535);
    if (!first || !last || *first == 0 || *last < *first)
    {
        bad_rule(rule, "ports must be N or N-M within 1..65535");
    }
    into.first_port = static_cast<std::uint16_t>(*first);
    into.last_port = static_cast<std::uint16_t>(*last);
}

/// Splits "host[:ports]" (brackets around IPv6, or a bare IPv6 literal without ports).
std::pair<std::string_view, std::string_view> split_host_ports(std::string_view rule)
{
    if (!rule.empty() && rule.front() == '[')
    {
        const auto close = rule.find(']');
        if (close == std::string_view::npos)
        {
            bad_rule(rule, "missing ']'");
        }
        const auto after = rule.substr(close + 1);
        // "[fd00::]/8:5900": the prefix length follows the bracket.
        const auto colon = after.find(':');
        const auto host_end = close + 1 + (colon == std::string_view::npos ? after.size() : colon);
        std::string_view host = rule.substr(0, host_end);
        std::string_view ports =
            colon == std::string_view::npos ? std::string_view{} : after.substr(colon + 1);
        if (colon != std::string_view::npos && ports.empty())
        {
            bad_rule(rule, "empty port after ':'");
        }
        return {host, ports};
    }
    if (std::count(rule.begin(), rule.end(), ':') > 1)
    {
        return {rule, {}}; // a bare IPv6 literal or network
    }
    const auto colon = rule.find(':');
    if (colon == std::string_view::npos)
    {
        return {rule, {}};
    }
    if (colon + 1 == rule.size())
    {
        bad_rule(rule, "empty port after ':'");
    }
    return {rule.substr(0, colon), rule.substr(colon + 1)};
}

void parse_network(std::string_view rule, std::string_view host, allow_rule& into)
{
    const auto slash = host.find('/');
    auto address_text = host.substr(0, slash);
    auto prefix_text =
        slash == std::string_view::npos ? std::string_view{} : host.substr(slash + 1);
    if (address_text.size() >= 2 && address_text.front() == '[' && address_text.back() == ']')
    {
        address_text = address_text.substr(1, address_text.size() - 2);
    }
    const auto address = ip_address::parse(address_text);
    if (!address)
    {
        bad_rule(rule, "'" + std::string(address_text) + "' is not an IP address");
    }
    const auto bits = static_cast<unsigned>(address->length * 8);
    const auto prefix =
        prefix_text.empty() ? std::optional<unsigned>(bits) : parse_number(prefix_text, bits);
    if (slash != std::string_view::npos && (prefix_text.empty() || !prefix))
    {
        bad_rule(rule, "prefix length must be 0.." + std::to_string(bits));
    }
    into.what = allow_rule::kind::network;
    into.network = *address;
    into.prefix_bits = *prefix;
}

bool is_host_name(std::string_view host)
{
    return !host.empty() &&
           std::all_of(host.begin(), host.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; });
}

bool in_network(const allow_rule& rule, const ip_address& address)
{
    if (rule.network.length != address.length)
    {
        return false;
    }
    unsigned bits = rule.prefix_bits;
    for (std::size_t i = 0; bits > 0; ++i)
    {
        const unsigned take = std::min(bits, 8U);
        const auto mask = static_cast<std::uint8_t>(0xFFU << (8U - take));
        if (((rule.network.bytes.at(i) ^ address.bytes.at(i)) & mask) != 0)
        {
            return false;
        }
        bits -= take;
    }
    return true;
}

bool port_allowed(const allow_rule& rule, std::uint16_t port)
{
    return port >= rule.first_port && port <= rule.last_port;
}

/// `path` is `directory` or lies below it, compared by path components.
bool path_within(std::string_view path, std::string_view directory)
{
    while (directory.size() > 1 && directory.back() == '/')
    {
        directory.remove_suffix(1);
    }
    if (path.substr(0, directory.size()) != directory)
    {
        return false;
    }
    return path.size() == directory.size() || path[directory.size()] == '/' || directory == "/";
}

} // namespace

std::optional<ip_address> ip_address::parse(std::string_view text)
{
    const std::string copy(text);
    ip_address result;
    if (inet_pton(AF_INET, copy.c_str(), result.bytes.data()) == 1)
    {
        result.length = 4;
        return result;
    }
    if (inet_pton(AF_INET6, copy.c_str(), result.bytes.data()) != 1)
    {
        return std::nullopt;
    }
    result.length = 16;
    constexpr std::array<std::uint8_t, 12> mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::equal(mapped_prefix.begin(), mapped_prefix.end(), result.bytes.begin()))
    {
        std::copy_n(result.bytes.begin() + 12, 4, result.bytes.begin());
        std::fill(result.bytes.begin() + 4, result.bytes.end(), std::uint8_t{0});
        result.length = 4;
    }
    return result;
}

allow_rule parse_allow_rule(std::string_view text)
{
    const auto rule_text = trim(text);
    allow_rule rule;
    if (rule_text.substr(0, 5) == "unix:")
    {
        rule.what = allow_rule::kind::unix_path;
        rule.name = std::string(rule_text.substr(5));
        if (rule.name.empty() || rule.name.front() != '/')
        {
            bad_rule(rule_text, "a unix rule needs an absolute path");
        }
        return rule;
    }
    const auto [host, ports] = split_host_ports(rule_text);
    if (host.empty())
    {
        bad_rule(rule_text, "no host");
    }
    if (!ports.empty())
    {
        parse_ports(rule_text, ports, rule);
    }
    if (host == "*")
    {
        rule.what = allow_rule::kind::any_host;
        return rule;
    }
    const bool looks_numeric =
        host.find_first_of(":/[") != std::string_view::npos || ip_address::parse(host).has_value();
    if (looks_numeric)
    {
        parse_network(rule_text, host, rule);
        return rule;
    }
    if (!is_host_name(host))
    {
        bad_rule(rule_text, "'" + std::string(host) + "' is neither an address nor a host name");
    }
    rule.what = allow_rule::kind::host_name;
    rule.name = lower(host);
    return rule;
}

target_allow_list target_allow_list::parse(const std::vector<std::string>& rules)
{
    target_allow_list list;
    for (const auto& text : rules)
    {
        list.rules_.push_back(parse_allow_rule(text));
    }
    return list;
}

bool target_allow_list::allows_as_written(const target& where) const
{
    if (rules_.empty())
    {
        return true;
    }
    if (where.is_unix())
    {
        return std::any_of(rules_.begin(), rules_.end(),
                           [&](const allow_rule& rule) {
                               return rule.what == allow_rule::kind::unix_path &&
                                      path_within(where.unix_path, rule.name);
                           });
    }
    const auto literal = ip_address::parse(where.host);
    if (literal)
    {
        return allows_address(*literal, where.port);
    }
    const auto name = lower(where.host);
    return std::any_of(rules_.begin(), rules_.end(),
                       [&](const allow_rule& rule)
                       {
                           const bool host_matches =
                               rule.what == allow_rule::kind::any_host ||
                               (rule.what == allow_rule::kind::host_name && rule.name == name);
                           return host_matches && port_allowed(rule, where.port);
                       });
}

bool target_allow_list::allows_address(const ip_address& address, std::uint16_t port) const
{
    if (rules_.empty())
    {
        return true;
    }
    return std::any_of(rules_.begin(), rules_.end(),
                       [&](const allow_rule& rule)
                       {
                           const bool host_matches = rule.what == allow_rule::kind::any_host ||
                                                     (rule.what == allow_rule::kind::network &&
                                                      in_network(rule, address));
                           return host_matches && port_allowed(rule, port);
                       });
}

bool target_allow_list::has_address_rules() const noexcept
{
    return std::any_of(rules_.begin(), rules_.end(),
                       [](const allow_rule& rule)
                       { return rule.what == allow_rule::kind::network; });
}

} // namespace websockify::token
