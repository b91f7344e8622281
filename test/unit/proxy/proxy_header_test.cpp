#include "websockify/proxy/proxy_header.hpp"

#include <gtest/gtest.h>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace websockify::proxy
{
namespace
{

using status = parse_result::status;

std::vector<std::byte> bytes(std::string_view text)
{
    const auto view = std::as_bytes(std::span(text.data(), text.size()));
    return {view.begin(), view.end()};
}

std::vector<std::byte> bytes(std::initializer_list<int> values)
{
    std::vector<std::byte> out;
    for (const int v : values)
    {
        out.push_back(static_cast<std::byte>(v));
    }
    return out;
}

std::vector<std::byte> concat(std::vector<std::byte> a, const std::vector<std::byte>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

endpoint ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port)
{
    endpoint e;
    e.address = {a, b, c, d};
    e.port = port;
    return e;
}

endpoint ipv6_with_last(std::uint8_t last, std::uint16_t port)
{
    endpoint e;
    e.ipv6 = true;
    e.address = {0x20, 0x01, 0x0d, 0xb8};
    e.address[15] = last;
    e.port = port;
    return e;
}

/// Every proper prefix of a complete header says need_more with a bound no larger than the
/// header, and every longer input says complete with the same header.
void expect_incremental(const std::vector<std::byte>& input, const parse_result& whole)
{
    ASSERT_EQ(whole.state, status::complete);
    for (std::size_t n = 0; n < whole.size; ++n)
    {
        const auto part = parse_header(std::span(input).first(n));
        ASSERT_EQ(part.state, status::need_more) << "prefix of " << n << " bytes";
        EXPECT_GT(part.minimum_size, n);
        EXPECT_LE(part.minimum_size, whole.size) << "prefix of " << n << " bytes";
    }
    for (std::size_t n = whole.size; n <= input.size(); ++n)
    {
        const auto part = parse_header(std::span(input).first(n));
        ASSERT_EQ(part.state, status::complete);
        EXPECT_EQ(part.size, whole.size);
        EXPECT_EQ(part.parsed, whole.parsed);
    }
}

TEST(ProxyHeaderV1, SpecExampleTcp4)
{
    const auto input = bytes("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET /");
    const auto result = parse_header(input);
    ASSERT_EQ(result.state, status::complete) << result.problem;
    EXPECT_EQ(result.size, input.size() - 5); // "GET /" belongs to the client
    EXPECT_EQ(result.parsed.version, 1U);
    EXPECT_EQ(result.parsed.what, command::proxy);
    EXPECT_EQ(result.parsed.source, ipv4(192, 168, 0, 1, 56324));
    EXPECT_EQ(result.parsed.destination, ipv4(192, 168, 0, 11, 443));
    EXPECT_EQ(address_text(*result.parsed.source), "192.168.0.1");
    expect_incremental(input, result);
}

TEST(ProxyHeaderV1, Tcp6)
{
    const auto input = bytes("PROXY TCP6 2001:db8::1 2001:db8::2 4711 80\r\n");
    const auto result = parse_header(input);
    ASSERT_EQ(result.state, status::complete) << result.problem;
    EXPECT_EQ(result.parsed.source, ipv6_with_last(1, 4711));
    EXPECT_EQ(result.parsed.destination, ipv6_with_last(2, 80));
    EXPECT_EQ(address_text(*result.parsed.source), "2001:db8::1");
    expect_incremental(input, result);
}

TEST(ProxyHeaderV1, Ipv4MappedTcp6IsShownAsIpv4)
{
    const auto result = parse_header(bytes("PROXY TCP6 ::ffff:192.0.2.9 ::1 1 2\r\n"));
    ASSERT_EQ(result.state, status::complete) << result.problem;
    EXPECT_TRUE(result.parsed.source->ipv6);
    EXPECT_EQ(address_text(*result.parsed.source), "192.0.2.9");
}

TEST(ProxyHeaderV1, UnknownKeepsNoAddresses)
{
    for (const std::string_view text :
         {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN whatever the proxy wants to say\r\n"})
    {
        const auto input = bytes(text);
        const auto result = parse_header(input);
        ASSERT_EQ(result.state, status::complete) << text;
        EXPECT_EQ(result.size, text.size());
        EXPECT_FALSE(result.parsed.source);
        EXPECT_FALSE(result.parsed.destination);
        expect_incremental(input, result);
    }
}

TEST(ProxyHeaderV1, LongestLineIs107Bytes)
{
    const std::string longest = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
                                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
    ASSERT_EQ(longest.size(), v1_max_size);
    EXPECT_EQ(parse_header(bytes(longest)).state, status::complete);
    const std::string longer = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
                               "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 655355\r\n";
    EXPECT_EQ(parse_header(bytes(longer)).state, status::invalid);
    // No line end within 107 bytes is refused without waiting for more.
    EXPECT_EQ(parse_header(bytes("PROXY UNKNOWN " + std::string(93, 'x'))).state, status::invalid);
    EXPECT_EQ(parse_header(bytes("PROXY UNKNOWN " + std::string(92, 'x'))).state,
              status::need_more);
}

TEST(ProxyHeaderV1, MalformedLinesAreRefused)
{
    for (const std::string_view text : {
             "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n",    // bare LF
             "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\r",  // CR not followed by LF
             "PROXY TCP4 192.168.0.1  192.168.0.11 56324 443\r\n", // two spaces
             "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 \r\n", // trailing space
             "PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n",      // a field missing
             "PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n", // leading zero
             "PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n",  // port too large
             "PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n",
             "PROXY TCP4 2001:db8::1 192.168.0.11 1 443\r\n", // IPv6 in TCP4
             "PROXY TCP6 192.168.0.1 2001:db8::1 1 443\r\n",  // IPv4 in TCP6
             "PROXY TCP4 192.168.000.1 192.168.0.11 1 443\r\n",
             "PROXY TCP4 host.example 192.168.0.11 1 443\r\n",
             "PROXY TCP5 192.168.0.1 192.168.0.11 1 443\r\n",
             "PROXY tcp4 192.168.0.1 192.168.0.11 1 443\r\n",
             "PROXY UNKNOWNX\r\n",
             "PROXY TCP4\r\n",
             "PROXY \r\n",
             "PROXY\r\n",
             "proxy TCP4 192.168.0.1 192.168.0.11 1 443\r\n",
         })
    {
        const auto result = parse_header(bytes(text));
        EXPECT_EQ(result.state, status::invalid) << text;
        EXPECT_FALSE(result.problem.empty()) << text;
    }
}

TEST(ProxyHeaderV1, NulInsideAnAddressIsRefused)
{
    constexpr char line[] = "PROXY TCP4 1.2.3.4\0x 5.6.7.8 1 2\r\n";
    const std::string text(line, sizeof line - 1);
    EXPECT_EQ(parse_header(bytes(text)).state, status::invalid);
}

TEST(ProxyHeader, OtherProtocolsAreRefusedAtTheFirstByte)
{
    EXPECT_EQ(parse_header(bytes("GET / HTTP/1.1\r\n")).state, status::invalid);
    EXPECT_EQ(parse_header(bytes({0x16, 0x03, 0x01})).state, status::invalid);
    EXPECT_EQ(parse_header(bytes("<policy-file-request/>")).state, status::invalid);
    EXPECT_EQ(parse_header(bytes("P")).state, status::need_more);
    EXPECT_EQ(parse_header(bytes("PRO")).state, status::need_more);
    EXPECT_EQ(parse_header(bytes("POST / HTTP/1.1\r\n")).state, status::invalid);
    EXPECT_EQ(parse_header(
                  bytes({0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0B}))
                  .state,
              status::invalid);
    const auto empty = parse_header({});
    EXPECT_EQ(empty.state, status::need_more);
    EXPECT_GT(empty.minimum_size, 0U);
}

// 12-byte signature, 0x21 (v2, PROXY), 0x11 (INET, STREAM), length 12, then
// 192.0.2.1 -> 198.51.100.2, ports 4711 -> 80.
const std::vector<std::byte> v2_tcp4 =
    bytes({0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11,
           0x00, 0x0C, 0xC0, 0x00, 0x02, 0x01, 0xC6, 0x33, 0x64, 0x02, 0x12, 0x67, 0x00, 0x50});

std::vector<std::byte> v2_prefix(int version_command, int family_transport, int length)
{
    return bytes({0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
                  version_command, family_transport, length >> 8, length & 0xFF});
}

TEST(ProxyHeaderV2, Tcp4)
{
    const auto input = concat(v2_tcp4, bytes({0x16, 0x03, 0x01})); // a ClientHello follows
    const auto result = parse_header(input);
    ASSERT_EQ(result.state, status::complete) << result.problem;
    EXPECT_EQ(result.size, 28U);
    EXPECT_EQ(result.parsed.version, 2U);
    EXPECT_EQ(result.parsed.what, command::proxy);
    EXPECT_EQ(result.parsed.source, ipv4(192, 0, 2, 1, 4711));
    EXPECT_EQ(result.parsed.destination, ipv4(198, 51, 100, 2, 80));
    expect_incremental(input, result);
}

TEST(ProxyHeaderV2, Tcp6)
{
    auto input = v2_prefix(0x21, 0x21, 36);
    const auto source = bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    const auto destination = bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
    input = concat(concat(concat(input, source), destination), bytes({0x12, 0x67, 0x01, 0xBB}));
    const auto result = parse_header(input);
    ASSERT_EQ(result.state, status::complete) << result.problem;
    EXPECT_EQ(result.size, 52U);
    EXPECT_EQ(result.parsed.source, ipv6_with_last(1, 4711));
    EXPECT_EQ(result.parsed.destination, ipv6_with_last(2, 443));
    EXPECT_EQ(address_text(*result.parsed.source), "2001:db8::1");
    expect_incremental(input, result);
}

TEST(ProxyHeaderV2, TlvsAreSkipped)
{
    // PP2_TYPE_NOOP (0x04) with 3 bytes, then an AUTHORITY (0x02) "vnc": 12 + 6 + 6 = 24.
    auto input = v2_prefix(0x21, 0x11, 24);
    input = concat(input, std::vector<std::byte>(v2_tcp4.begin() + 16, v2_tcp4.end()));
    input =
        concat(input, bytes({0x04, 0x00, 0x03, 'a', 'b', 'c', 0x02, 0x00, 0x03, 'v', 'n', 'c'}));
    input = concat(input, bytes("GET"));
    const auto result = parse_header(input);
    ASSERT_EQ(result.state, status::complete) << result.problem;
    EXPECT_EQ(result.size, 40U);
    EXPECT_EQ(result.parsed.source, ipv4(192, 0, 2, 1, 4711));
    expect_incremental(input, result);
}

TEST(ProxyHeaderV2, LocalIgnoresFamilyAndAddresses)
{
    for (const int family : {0x00, 0x11, 0x21, 0x31, 0xFF})
    {
        auto input = concat(v2_prefix(0x20, family, 4), bytes({1, 2, 3, 4}));
        const auto result = parse_header(input);
        ASSERT_EQ(result.state, status::complete) << family;
        EXPECT_EQ(result.size, 20U);
        EXPECT_EQ(result.parsed.what, command::local);
        EXPECT_FALSE(result.parsed.source);
        expect_incremental(input, result);
    }
    const auto bare = v2_prefix(0x20, 0x00, 0);
    const auto result = parse_header(bare);
    ASSERT_EQ(result.state, status::complete);
    EXPECT_EQ(result.size, 16U);
}

TEST(ProxyHeaderV2, UnspecUnixAndDatagramKeepThePeer)
{
    for (const auto& [family, length] : std::vector<std::pair<int, int>>{
             {0x00, 0}, {0x31, 216}, {0x32, 216}, {0x12, 12}, {0x10, 12}})
    {
        auto input = concat(v2_prefix(0x21, family, length),
                            std::vector<std::byte>(static_cast<std::size_t>(length)));
        const auto result = parse_header(input);
        ASSERT_EQ(result.state, status::complete) << family;
        EXPECT_EQ(result.parsed.what, command::proxy);
        EXPECT_FALSE(result.parsed.source) << family;
    }
}

parse_result parse_first(const std::vector<std::byte>& input, std::size_t count)
{
    return parse_header(std::span(input).first(count));
}

TEST(ProxyHeaderV2, BadFixedPartIsRefusedEarly)
{
    // Refused as soon as the offending byte arrives, without waiting for the length.
    EXPECT_EQ(parse_first(v2_prefix(0x11, 0x11, 12), 13).state,
              status::invalid); // version 1
    EXPECT_EQ(parse_first(v2_prefix(0x22, 0x11, 12), 13).state,
              status::invalid); // command 2
    EXPECT_EQ(parse_first(v2_prefix(0x21, 0x41, 12), 14).state,
              status::invalid); // family 4
    EXPECT_EQ(parse_first(v2_prefix(0x21, 0x13, 12), 14).state,
              status::invalid); // transport 3
    EXPECT_EQ(parse_header(v2_prefix(0x21, 0x11, 11)).state, status::invalid);
    EXPECT_EQ(parse_header(v2_prefix(0x21, 0x21, 35)).state, status::invalid);
    EXPECT_EQ(parse_header(v2_prefix(0x21, 0x31, 215)).state, status::invalid);
}

TEST(ProxyHeaderV2, LengthBoundsTheWait)
{
    const auto input = v2_prefix(0x21, 0x11, 0xFFFF);
    const auto result = parse_header(input);
    ASSERT_EQ(result.state, status::need_more);
    EXPECT_EQ(result.minimum_size, v2_max_size);
}

TEST(ProxyHeaderFormat, V1LinesAreByteExact)
{
    header h;
    h.source = ipv4(192, 168, 0, 1, 56324);
    h.destination = ipv4(192, 168, 0, 11, 443);
    EXPECT_EQ(format_v1(h), "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
    h.source = ipv6_with_last(1, 4711);
    h.destination = ipv6_with_last(2, 80);
    EXPECT_EQ(format_v1(h), "PROXY TCP6 2001:db8::1 2001:db8::2 4711 80\r\n");
    EXPECT_EQ(format_v1(header{}), "PROXY UNKNOWN\r\n");
}

TEST(ProxyHeaderFormat, V2IsByteExactAndParsesBack)
{
    header h;
    h.version = 2;
    h.source = ipv4(192, 0, 2, 1, 4711);
    h.destination = ipv4(198, 51, 100, 2, 80);
    EXPECT_EQ(format_v2(h), v2_tcp4);
    header local;
    local.version = 2;
    local.what = command::local;
    EXPECT_EQ(format_v2(local), v2_prefix(0x20, 0x00, 0));
    for (const auto& each : {h, local})
    {
        const auto tlv = bytes({0x04, 0x00, 0x01, 0x00});
        const auto encoded = format_v2(each, tlv);
        const auto result = parse_header(encoded);
        ASSERT_EQ(result.state, status::complete);
        EXPECT_EQ(result.size, encoded.size());
        EXPECT_EQ(result.parsed, each);
    }
}

TEST(ProxyHeader, RandomChunksGiveTheSameHeader)
{
    std::mt19937 random(7);
    const auto input = concat(bytes("PROXY TCP4 10.1.2.3 10.0.0.1 40000 6080\r\n"), bytes("GET"));
    const auto whole = parse_header(input);
    ASSERT_EQ(whole.state, status::complete);
    for (int round = 0; round < 100; ++round)
    {
        // A reader that appends chunks and re-parses, as read_proxy_header does.
        std::size_t have = 0;
        parse_result last;
        while (have < input.size())
        {
            std::uniform_int_distribution<std::size_t> chunk(1, input.size() - have);
            have += chunk(random);
            last = parse_header(std::span(input).first(have));
            if (last.state != status::need_more)
            {
                break;
            }
        }
        ASSERT_EQ(last.state, status::complete);
        EXPECT_EQ(last.parsed, whole.parsed);
        EXPECT_EQ(last.size, whole.size);
    }
}

} // namespace
} // namespace websockify::proxy
