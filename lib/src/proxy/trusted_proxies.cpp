#include "websockify/proxy/trusted_proxies.hpp"

#include "websockify/token/trim.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace websockify::proxy
{
namespace
{

[[noreturn]] void bad_range(std::string_view text, std::string_view why)
{
    throw std::invalid_argument("--trusted-proxy '" + std::string(text) + "': " + std::string(why));
}

} // namespace

network network::parse(std::string_view text)
{
    const auto trimmed = token::trim(text);
    const auto slash = trimmed.find('/');
    auto address_text = trimmed.substr(0, slash);
    if (address_text.size() >= 2 && address_text.front() == '[' && address_text.back() == ']')
    {
        address_text = address_text.substr(1, address_text.size() - 2);
    }
    const auto address = token::ip_address::parse(address_text);
    if (!address)
    {
        bad_range(text, "expected an IP address or a network such as 10.0.0.0/8 or ::1/128");
    }
    network result;
    result.base = *address;
    const auto bits = static_cast<unsigned>(address->length * 8);
    result.prefix_bits = bits;
    if (slash != std::string_view::npos)
    {
        const auto prefix = trimmed.substr(slash + 1);
        unsigned value = 0;
        const auto* end = prefix.data() + prefix.size();
        const auto [ptr, ec] = std::from_chars(prefix.data(), end, value);
        if (prefix.empty() || ec != std::errc{} || ptr != end || value > bits)
        {
            bad_range(text, "prefix length must be 0.." + std::to_string(bits));
        }
        result.prefix_bits = value;
    }
    return result;
}

bool network::contains(const token::ip_address& address) const noexcept
{
    if (address.length != base.length)
    {
        return false;
    }
    unsigned bits = prefix_bits;
    for (std::size_t i = 0; bits > 0; ++i)
    {
        const unsigned take = std::min(bits, 8U);
        const auto mask = static_cast<std::uint8_t>(0xFFU << (8U - take));
        if (((base.bytes.at(i) ^ address.bytes.at(i)) & mask) != 0)
        {
            return false;
        }
        bits -= take;
    }
    return true;
}

trusted_proxies trusted_proxies::parse(const std::vector<std::string>& ranges)
{
    trusted_proxies result;
    for (const auto& range : ranges)
    {
        result.networks_.push_back(network::parse(range));
    }
    return result;
}

bool trusted_proxies::contains(const token::ip_address& address) const noexcept
{
    return std::any_of(networks_.begin(), networks_.end(),
                       [&](const network& n) { return n.contains(address); });
}

bool trusted_proxies::contains(std::string_view address) const
{
    if (networks_.empty())
    {
        return false;
    }
    const auto parsed = token::ip_address::parse(address);
    return parsed && contains(*parsed);
}

} // namespace websockify::proxy
