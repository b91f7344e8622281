#pragma once

#include "websockify/token/target.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::token
{

/// An IPv4 or IPv6 address as bytes; IPv4 is kept as 4 bytes, and an IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d) is folded to its IPv4 form so that it cannot slip past an IPv4 rule.
struct ip_address
{
    std::array<std::uint8_t, 16> bytes{};
    std::size_t length = 0; ///< 4 or 16

    /// An IP literal (brackets removed), or nullopt for a host name or junk.
    static std::optional<ip_address> parse(std::string_view text);
};

/// One --allow-target rule: which hosts (a network, a name, or any) on which ports, or which
/// unix socket paths.
struct allow_rule
{
    enum class kind
    {
        network,   ///< an address block: 10.0.0.0/8, [fd00::]/8, 192.168.1.5
        host_name, ///< a name as the token store writes it: vnc1.internal
        any_host,  ///< *: every host, only the ports limit
        unix_path, ///< unix:/run/vnc: that socket, or any socket below that directory
    };
    kind what = kind::any_host;
    ip_address network;
    unsigned prefix_bits = 0;
    std::string name; ///< host_name (lower case) or unix_path
    std::uint16_t first_port = 1;
    std::uint16_t last_port = 65535;
};

/// `--allow-target` (repeatable): the targets a token may lead to, so that a compromised or
/// careless token store cannot reach arbitrary internal hosts. Empty means every target.
///
/// Forms: `10.0.0.0/8`, `192.168.1.5:5900`, `[fd00::]/8:5900-5999`, `fd00::1` (an IPv6
/// literal without a port needs no brackets), `vnc1.internal:5901`, `*:5900-5999`,
/// `unix:/run/vnc`. Names match the target's host name as written (case-insensitive) and are
/// trusted whatever they resolve to; for any other name the resolved addresses must match an
/// address rule (checked again at connect time, so a DNS answer cannot change the outcome).
class target_allow_list
{
public:
    target_allow_list() = default;

    /// Throws std::invalid_argument naming the bad rule.
    static target_allow_list parse(const std::vector<std::string>& rules);

    bool empty() const noexcept { return rules_.empty(); }

    /// Decided by the target as written: a unix path, a listed name, an IP literal or `*`.
    bool allows_as_written(const target& where) const;

    /// Whether a resolved address of a host name is allowed on `port`.
    bool allows_address(const ip_address& address, std::uint16_t port) const;

    /// Whether a name that no name rule allows could still pass through its addresses.
    bool has_address_rules() const noexcept;

private:
    std::vector<allow_rule> rules_;
};

/// One rule; throws std::invalid_argument.
allow_rule parse_allow_rule(std::string_view text);

} // namespace websockify::token
