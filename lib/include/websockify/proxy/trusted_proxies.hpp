#pragma once

#include "websockify/token/allow_list.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace websockify::proxy
{

/// An address block such as 10.0.0.0/8 or ::1/128 (a bare address is a block of one).
struct network
{
    token::ip_address base;
    unsigned prefix_bits = 0;

    /// Throws std::invalid_argument naming `text` and what is wrong with it.
    static network parse(std::string_view text);

    /// Same family and the first `prefix_bits` bits equal. IPv4-mapped IPv6 addresses are
    /// IPv4 here (ip_address folds them), so ::ffff:10.1.2.3 is inside 10.0.0.0/8.
    bool contains(const token::ip_address& address) const noexcept;
};

/// `--trusted-proxy CIDR` (repeatable): peers whose X-Forwarded-For and Forwarded headers are
/// believed. Empty: nobody's are.
class trusted_proxies
{
public:
    trusted_proxies() = default;

    /// Throws std::invalid_argument: "--trusted-proxy 'TEXT': reason".
    static trusted_proxies parse(const std::vector<std::string>& ranges);

    bool empty() const noexcept { return networks_.empty(); }

    bool contains(const token::ip_address& address) const noexcept;
    /// An address as logs show it ("192.0.2.1", "2001:db8::1"); false for anything that is not
    /// an IP address, such as "unix:/run/ws.sock".
    bool contains(std::string_view address) const;

private:
    std::vector<network> networks_;
};

} // namespace websockify::proxy
