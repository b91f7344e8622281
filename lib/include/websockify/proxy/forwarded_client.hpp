#pragma once

#include "websockify/http/request_head.hpp"
#include "websockify/proxy/trusted_proxies.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace websockify::proxy
{

/// The client a trusted proxy reports in a request header.
struct forwarded_client
{
    std::string address;    ///< as logs show it: "192.0.2.1", "2001:db8::1" (IPv4-mapped folded)
    std::uint16_t port = 0; ///< 0 when the header gives none (X-Forwarded-For rarely does)
    std::string_view from;  ///< the header it came from: "Forwarded" or "X-Forwarded-For"
};

/// The client named by `Forwarded` (RFC 7239 §4-6: the `for=` of each element; quoted IPv6
/// such as "[2001:db8::1]:4711") when the request has that header, else by `X-Forwarded-For`.
/// Every proxy appends the peer it saw, so the list is read from the right and entries inside
/// `trusted` are skipped: the first one that is not trusted is the client (the leftmost when
/// all are). Nullopt when neither header is present, or when that entry is no IP address
/// ("unknown", an obfuscated name, junk): the caller keeps the peer's address then. Several
/// header lines of one name form one list, in order.
std::optional<forwarded_client> find_forwarded_client(const http::request_head& request,
                                                      const trusted_proxies& trusted);

} // namespace websockify::proxy
