// Fuzzes --allow-target (token/allow_list.hpp): parse_allow_rule, ip_address::parse and the
// checks of target_allow_list against targets.
//
// Input: lines. A line starting with '>' is a target (`host:port` as parse_target reads it, or
// `unix:PATH`); every other line is an --allow-target rule. At most 16 of each are used.
//
// Properties checked besides "no crash":
//  - a bad rule throws std::invalid_argument naming it, and nothing else; parsing is
//    deterministic, and target_allow_list::parse of rules that parsed one by one does not throw;
//  - a parsed rule is consistent: ports 1 <= first <= last, a network of 4 or 16 bytes with a
//    prefix no longer than that, a non-empty lower-case host name of letters, digits, '-' and
//    '.', or an absolute unix path;
//  - every rule allows what it names: its network address, its host name in any case, its unix
//    path and what lies below, on its first and last port;
//  - an empty list allows every target; adding rules never takes a target away;
//  - an IP literal target is decided exactly as its address is; has_address_rules() says
//    whether there is a network rule;
//  - an IPv4 address and its IPv4-mapped IPv6 form parse to the same address.

#include "fuzz_support.hpp"
#include "websockify/token/allow_list.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace
{

using namespace websockify;
using websockify::fuzz::as_text;

constexpr std::size_t most = 16;

bool same_address(const token::ip_address& a, const token::ip_address& b)
{
    return a.length == b.length && a.bytes == b.bytes;
}

bool same_rule(const token::allow_rule& a, const token::allow_rule& b)
{
    return a.what == b.what && same_address(a.network, b.network) &&
           a.prefix_bits == b.prefix_bits && a.name == b.name && a.first_port == b.first_port &&
           a.last_port == b.last_port;
}

std::optional<token::allow_rule> parse_rule(std::string_view text)
{
    try
    {
        return token::parse_allow_rule(text);
    }
    catch (const std::invalid_argument& refused)
    {
        FUZZ_REQUIRE(std::string_view(refused.what()).starts_with("--allow-target '"));
        return std::nullopt;
    }
}

void check_address(std::string_view text)
{
    const auto address = token::ip_address::parse(text);
    if (!address)
    {
        return;
    }
    FUZZ_REQUIRE(address->length == 4 || address->length == 16);
    FUZZ_REQUIRE(std::all_of(address->bytes.begin() + static_cast<std::ptrdiff_t>(address->length),
                             address->bytes.end(), [](std::uint8_t b) { return b == 0; }));
    if (text.find(':') == std::string_view::npos)
    {
        FUZZ_REQUIRE(address->length == 4);
        const auto mapped = token::ip_address::parse("::ffff:" + std::string(text));
        FUZZ_REQUIRE(mapped && same_address(*mapped, *address));
    }
}

void check_rule(const token::allow_rule& rule, std::string_view text)
{
    const auto again = parse_rule(text);
    FUZZ_REQUIRE(again && same_rule(*again, rule));
    FUZZ_REQUIRE(rule.first_port >= 1 && rule.first_port <= rule.last_port);

    const auto alone = token::target_allow_list::parse({std::string(text)});
    FUZZ_REQUIRE(!alone.empty());
    FUZZ_REQUIRE(alone.has_address_rules() == (rule.what == token::allow_rule::kind::network));
    token::target where;
    switch (rule.what)
    {
    case token::allow_rule::kind::network:
        FUZZ_REQUIRE(rule.network.length == 4 || rule.network.length == 16);
        FUZZ_REQUIRE(rule.prefix_bits <= rule.network.length * 8);
        FUZZ_REQUIRE(rule.name.empty());
        FUZZ_REQUIRE(alone.allows_address(rule.network, rule.first_port));
        FUZZ_REQUIRE(alone.allows_address(rule.network, rule.last_port));
        break;
    case token::allow_rule::kind::host_name:
        FUZZ_REQUIRE(!rule.name.empty());
        FUZZ_REQUIRE(std::all_of(rule.name.begin(), rule.name.end(),
                                 [](unsigned char c) {
                                     return std::islower(c) || std::isdigit(c) || c == '-' ||
                                            c == '.';
                                 }));
        FUZZ_REQUIRE(!token::ip_address::parse(rule.name));
        where.host = rule.name;
        std::transform(where.host.begin(), where.host.end(), where.host.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        where.port = rule.last_port;
        FUZZ_REQUIRE(alone.allows_as_written(where));
        break;
    case token::allow_rule::kind::any_host:
        where.host = "vnc.example";
        where.port = rule.first_port;
        FUZZ_REQUIRE(alone.allows_as_written(where));
        FUZZ_REQUIRE(alone.allows_address(token::ip_address{}, rule.last_port));
        break;
    case token::allow_rule::kind::unix_path:
        FUZZ_REQUIRE(rule.name.starts_with("/"));
        where.unix_path = rule.name;
        FUZZ_REQUIRE(alone.allows_as_written(where));
        where.unix_path = rule.name + "/vnc.sock";
        FUZZ_REQUIRE(alone.allows_as_written(where));
        break;
    }
}

std::optional<token::target> parse_target_line(std::string_view text)
{
    if (text.starts_with("unix:"))
    {
        token::target where;
        where.unix_path = std::string(text.substr(5));
        return where.is_unix() ? std::optional(where) : std::nullopt;
    }
    auto where = token::parse_target(text);
    return where ? std::optional(*where) : std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = as_text(data, size);
    std::vector<std::string> rule_texts;
    std::vector<token::allow_rule> rules;
    std::vector<token::target> targets;
    while (!text.empty())
    {
        const auto end = text.find('\n');
        const auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (line.starts_with(">"))
        {
            const auto where = parse_target_line(line.substr(1));
            if (where && targets.size() < most)
            {
                targets.push_back(*where);
                check_address(where->host);
            }
            continue;
        }
        if (rule_texts.size() == most)
        {
            continue;
        }
        check_address(line);
        if (const auto rule = parse_rule(line))
        {
            check_rule(*rule, line);
            rule_texts.emplace_back(line);
            rules.push_back(*rule);
        }
    }

    // Lists of the first k rules, k = 0..n: each allows at least what the one before did.
    std::vector<bool> allowed(targets.size(), true);
    for (std::size_t k = 0; k <= rule_texts.size(); ++k)
    {
        const auto list = token::target_allow_list::parse(std::vector<std::string>(
            rule_texts.begin(), rule_texts.begin() + static_cast<std::ptrdiff_t>(k)));
        FUZZ_REQUIRE(list.empty() == (k == 0));
        FUZZ_REQUIRE(list.has_address_rules() ==
                     std::any_of(rules.begin(), rules.begin() + static_cast<std::ptrdiff_t>(k),
                                 [](const token::allow_rule& rule)
                                 { return rule.what == token::allow_rule::kind::network; }));
        for (std::size_t i = 0; i < targets.size(); ++i)
        {
            const auto& where = targets[i];
            const bool allows = list.allows_as_written(where);
            // The empty list (k = 0) allows everything; from one rule on, adding never narrows.
            FUZZ_REQUIRE(k == 0 ? allows : (k == 1 || !allowed[i] || allows));
            allowed[i] = allows;
            if (!where.is_unix())
            {
                if (const auto literal = token::ip_address::parse(where.host))
                {
                    FUZZ_REQUIRE(allows == list.allows_address(*literal, where.port));
                }
            }
        }
    }
    return 0;
}
