#include "websockify/ws/hixie.hpp"

#include "../support/bytes.hpp"
#include "websockify/codec/base64.hpp"
#include "websockify/error/error.hpp"
#include "websockify/http/request_head.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <gtest/gtest.h>
#include <initializer_list>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::ws
{
namespace
{

using test::byte_vector;
using test::bytes;
using test::text;

std::string as_string(std::span<const std::byte> b)
{
    std::string out;
    for (const std::byte x : b)
    {
        out += static_cast<char>(x);
    }
    return out;
}

std::array<std::byte, 8> key3_of(std::string_view s)
{
    std::array<std::byte, 8> out{};
    for (std::size_t i = 0; i < out.size() && i < s.size(); ++i)
    {
        out[i] = static_cast<std::byte>(s[i]);
    }
    return out;
}

std::string hex(std::span<const std::byte> b)
{
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    for (const std::byte x : b)
    {
        const auto v = std::to_integer<unsigned>(x);
        out += digits[v >> 4U];
        out += digits[v & 0xFU];
    }
    return out;
}

http::request_head parse(std::string_view head_text)
{
    auto parsed = http::parse_request_head(head_text);
    EXPECT_TRUE(parsed) << head_text;
    return parsed ? *parsed : http::request_head{};
}

// The opening handshake example of draft-hixie-thewebsocketprotocol-76 §1.3, header order kept.
constexpr std::string_view draft76_example_key1 = "4 @1  46546xW%0l 1 5";
constexpr std::string_view draft76_example_key2 = "12998 5 Y3 1  .P00";
constexpr std::string_view draft76_example_key3 = "^n:ds[4U";
constexpr std::string_view draft76_example_answer = "8jKS'y:G*Co,Wxa-";

std::string draft76_head(std::string_view extra = "", std::string_view skip = "")
{
    const std::vector<std::pair<std::string_view, std::string_view>> fields{
        {"Host", "example.com"},
        {"Connection", "Upgrade"},
        {"Sec-WebSocket-Key2", draft76_example_key2},
        {"Sec-WebSocket-Protocol", "sample"},
        {"Upgrade", "WebSocket"},
        {"Sec-WebSocket-Key1", draft76_example_key1},
        {"Origin", "http://example.com"},
    };
    std::string out = "GET /demo HTTP/1.1\r\n";
    for (const auto& [name, value] : fields)
    {
        if (name != skip)
        {
            out += std::string(name) + ": " + std::string(value) + "\r\n";
        }
    }
    out += extra;
    out += "\r\n";
    return out;
}

// The draft-75 example (§1.2): no keys, unprefixed WebSocket-Protocol.
std::string draft75_head(std::string_view extra = "")
{
    std::string out = "GET /demo HTTP/1.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
                      "Host: example.com\r\nOrigin: http://example.com\r\n"
                      "WebSocket-Protocol: sample\r\n";
    out += extra;
    out += "\r\n";
    return out;
}

void expect_rejected(std::string_view head_text, std::error_code expected)
{
    const auto validated = validate_hixie(parse(head_text));
    ASSERT_FALSE(validated) << head_text;
    EXPECT_EQ(validated.error(), expected) << validated.error().message();
}

// ---- challenge ----------------------------------------------------------------------------

TEST(HixieChallenge, SpecificationAlgorithmExample)
{
    // draft-76 §5.2's worked example.
    const auto key3 = key3_of("Tm[K T2u");
    const auto answer = hixie76_challenge("18x 6]8vM;54 *(5:  {   U1]8  z [  8",
                                          "1_ tx7X d  <  nw  334J702) 7]o}` 0", key3);
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(as_string(*answer), "fQJ,fN/4F4!~K~MH");
}

TEST(HixieChallenge, OpeningHandshakeExample)
{
    const auto key3 = key3_of(draft76_example_key3);
    const auto answer = hixie76_challenge(draft76_example_key1, draft76_example_key2, key3);
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(as_string(*answer), draft76_example_answer);
}

TEST(HixieChallenge, IndependentVectors)
{
    // Computed with Python's hashlib, not with this code:
    //   python3 -c "import hashlib,struct
    //   def n(k): return int(''.join(c for c in k if c.isdigit()))//k.count(' ')
    //   def ch(k1,k2,k3): return hashlib.md5(struct.pack('>II',n(k1),n(k2))+k3).hexdigest()
    //   print(ch('4294 967 29 5','1 2 3 4 5 6 7 8 9 0',bytes([0,255,1,254,127,128,32,10])))
    //   print(ch('0 ','x0 0y',b'abcdefgh'))"
    // The first has the largest key number (2^32-1, over 3 spaces) and a key3 holding 0x00 and
    // 0xFF; the second has key numbers of zero.
    const auto key3a = bytes({0x00, 0xFF, 0x01, 0xFE, 0x7F, 0x80, 0x20, 0x0A});
    const auto a =
        hixie76_challenge("4294 967 29 5", "1 2 3 4 5 6 7 8 9 0", std::span(key3a).first<8>());
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(hex(*a), "3b3456a444d586384b56063e7a0379c1");

    const auto key3b = key3_of("abcdefgh");
    const auto b = hixie76_challenge("0 ", "x0 0y", key3b);
    ASSERT_TRUE(b) << b.error().message();
    EXPECT_EQ(hex(*b), "1f68d1efcef91e5b4333c22275289bc6");
}

TEST(HixieChallenge, NumericFormMatchesKeyForm)
{
    const auto key3 = key3_of(draft76_example_key3);
    const auto key1 = parse_hixie_key(draft76_example_key1);
    const auto key2 = parse_hixie_key(draft76_example_key2);
    ASSERT_TRUE(key1 && key2);
    EXPECT_EQ(as_string(hixie76_challenge(*key1, *key2, key3)), draft76_example_answer);
}

TEST(HixieChallenge, RejectsMalformedKeys)
{
    const auto key3 = key3_of("12345678");
    EXPECT_EQ(hixie76_challenge("12345", "1 2", key3).error(), hixie_error::key_without_spaces);
    EXPECT_EQ(hixie76_challenge("1 2", "1 2 3", key3).error(), hixie_error::key_not_multiple);
}

// ---- key parsing --------------------------------------------------------------------------

TEST(HixieKey, DividesDigitsBySpaceCount)
{
    // draft-76 §1.3: 4 @1  46546xW%0l 1 5 has digits 4146546015 and 5 spaces.
    EXPECT_EQ(*parse_hixie_key(draft76_example_key1), 829309203U);
    EXPECT_EQ(*parse_hixie_key("1 2"), 12U);
    EXPECT_EQ(*parse_hixie_key("0 "), 0U);
    EXPECT_EQ(*parse_hixie_key("4294967295 "), 4294967295U);
    EXPECT_EQ(*parse_hixie_key("4294 967 29 5"), 1431655765U);
    // Leading zeros do not count towards the size limit.
    EXPECT_EQ(*parse_hixie_key("00000000000000000000000000000012 3 4"), 617U);
}

TEST(HixieKey, RejectsKeyWithoutSpaces)
{
    EXPECT_EQ(parse_hixie_key("12345").error(), hixie_error::key_without_spaces);
    EXPECT_EQ(parse_hixie_key("1\t2").error(), hixie_error::key_without_spaces);
}

TEST(HixieKey, RejectsKeyWithoutDigits)
{
    EXPECT_EQ(parse_hixie_key("a b").error(), hixie_error::key_without_digits);
    EXPECT_EQ(parse_hixie_key("").error(), hixie_error::key_without_digits);
}

TEST(HixieKey, RejectsNumberNotMultipleOfSpaces)
{
    EXPECT_EQ(parse_hixie_key("1 0 1").error(), hixie_error::key_not_multiple);
    EXPECT_EQ(parse_hixie_key("4294967295  ").error(), hixie_error::key_not_multiple);
}

TEST(HixieKey, RejectsNumberOver32Bits)
{
    EXPECT_EQ(parse_hixie_key("4294967296 ").error(), hixie_error::key_too_large);
    EXPECT_EQ(parse_hixie_key(std::string(100, '9') + " ").error(), hixie_error::key_too_large);
}

TEST(HixieKey, ErrorsHaveMessagesAndConditions)
{
    for (int e = static_cast<int>(hixie_error::not_hixie);
         e <= static_cast<int>(hixie_error::frame_too_large); ++e)
    {
        const std::error_code ec = static_cast<hixie_error>(e);
        EXPECT_EQ(ec.category().name(), std::string_view("websockify-hixie"));
        EXPECT_NE(ec.message(), "unknown Hixie error") << e;
    }
    EXPECT_EQ(std::error_code(hixie_error::key_too_large), condition::handshake_failed);
    EXPECT_EQ(std::error_code(hixie_error::missing_host), condition::handshake_failed);
    EXPECT_EQ(std::error_code(hixie_error::bad_frame_type), condition::protocol_violation);
    EXPECT_EQ(std::error_code(hixie_error::frame_too_large), condition::protocol_violation);
}

// ---- detection and validation ------------------------------------------------------------

TEST(HixieRequest, DetectsBothDrafts)
{
    EXPECT_TRUE(is_hixie_request(parse(draft76_head())));
    EXPECT_TRUE(is_hixie_request(parse(draft75_head())));
}

TEST(HixieRequest, Rfc6455RequestIsNotHixie)
{
    const auto head = parse("GET /chat HTTP/1.1\r\nHost: server.example.com\r\n"
                            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_FALSE(is_hixie_request(head));
    const auto validated = validate_hixie(head);
    ASSERT_FALSE(validated);
    EXPECT_EQ(validated.error(), hixie_error::not_hixie);
}

TEST(HixieRequest, NeedsGetUpgradeAndConnection)
{
    EXPECT_FALSE(is_hixie_request(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
    EXPECT_FALSE(is_hixie_request(parse("POST /demo HTTP/1.1\r\nUpgrade: WebSocket\r\n"
                                        "Connection: Upgrade\r\n\r\n")));
    EXPECT_FALSE(is_hixie_request(parse("GET /demo HTTP/1.1\r\nUpgrade: WebSocket\r\n\r\n")));
    // Tokens are case-insensitive and Connection may list others.
    EXPECT_TRUE(is_hixie_request(parse("GET /demo HTTP/1.1\r\nUpgrade: websocket\r\n"
                                       "Connection: keep-alive, upgrade\r\n\r\n")));
}

TEST(HixieValidate, AcceptsDraft76Example)
{
    const auto validated = validate_hixie(parse(draft76_head()));
    ASSERT_TRUE(validated) << validated.error().message();
    EXPECT_EQ(validated->draft, 76);
    EXPECT_EQ(validated->target, "/demo");
    EXPECT_EQ(validated->host, "example.com");
    EXPECT_EQ(validated->origin, "http://example.com");
    EXPECT_EQ(validated->protocol, "sample");
    EXPECT_EQ(validated->key1, 829309203U);
    EXPECT_EQ(validated->key2, 259970620U);
}

TEST(HixieValidate, AcceptsDraft75Example)
{
    const auto validated = validate_hixie(parse(draft75_head()));
    ASSERT_TRUE(validated) << validated.error().message();
    EXPECT_EQ(validated->draft, 75);
    EXPECT_EQ(validated->target, "/demo");
    EXPECT_EQ(validated->host, "example.com");
    EXPECT_EQ(validated->origin, "http://example.com");
    EXPECT_EQ(validated->protocol, "sample");
}

TEST(HixieValidate, ProtocolInEitherSpellingAndOriginDefault)
{
    const auto v76 = validate_hixie(
        parse(draft76_head("WebSocket-Protocol: base64\r\n", "Sec-WebSocket-Protocol")));
    ASSERT_TRUE(v76);
    EXPECT_EQ(v76->protocol, "base64");

    const auto none = validate_hixie(parse(draft76_head("", "Sec-WebSocket-Protocol")));
    ASSERT_TRUE(none);
    EXPECT_EQ(none->protocol, "");

    const auto no_origin = validate_hixie(parse(draft76_head("", "Origin")));
    ASSERT_TRUE(no_origin);
    EXPECT_EQ(no_origin->origin, "null");
}

TEST(HixieValidate, RejectsInCheckOrder)
{
    expect_rejected("POST /demo HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\n"
                    "Connection: Upgrade\r\n\r\n",
                    error::bad_method);
    expect_rejected("GET /demo HTTP/1.0\r\nHost: a\r\nUpgrade: WebSocket\r\n"
                    "Connection: Upgrade\r\n\r\n",
                    error::unsupported_http_version);
    expect_rejected("GET /demo HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n"
                    "Connection: Upgrade\r\n\r\n",
                    error::not_an_upgrade);
    expect_rejected("GET /demo HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\n\r\n",
                    error::missing_connection_upgrade);
    expect_rejected(draft76_head("Sec-WebSocket-Version: 76\r\n"), hixie_error::not_hixie);
    expect_rejected(draft76_head("", "Host"), hixie_error::missing_host);
    expect_rejected(draft76_head("", "Sec-WebSocket-Key1"), hixie_error::missing_key);
    expect_rejected(draft76_head("", "Sec-WebSocket-Key2"), hixie_error::missing_key);
    expect_rejected(draft76_head("Sec-WebSocket-Key1: 1 2\r\n"), hixie_error::duplicate_key);
}

TEST(HixieValidate, ReportsKeyParseErrors)
{
    expect_rejected(draft76_head("Sec-WebSocket-Key1: 12345\r\n", "Sec-WebSocket-Key1"),
                    hixie_error::key_without_spaces);
    expect_rejected(draft76_head("Sec-WebSocket-Key2: 1 0 1\r\n", "Sec-WebSocket-Key2"),
                    hixie_error::key_not_multiple);
    expect_rejected(draft76_head("Sec-WebSocket-Key2: 4 294967296\r\n", "Sec-WebSocket-Key2"),
                    hixie_error::key_too_large);
    expect_rejected(draft76_head("Sec-WebSocket-Key1: a b\r\n", "Sec-WebSocket-Key1"),
                    hixie_error::key_without_digits);
}

// ---- response -----------------------------------------------------------------------------

TEST(HixieResponse, Draft76ExactBytes)
{
    const auto request = validate_hixie(parse(draft76_head()));
    ASSERT_TRUE(request);
    const auto key3 = key3_of(draft76_example_key3);
    const auto answer = hixie76_challenge(request->key1, request->key2, key3);
    // draft-76 §1.3's response, byte for byte.
    EXPECT_EQ(format_hixie_response(*request, false, answer),
              "HTTP/1.1 101 WebSocket Protocol Handshake\r\n"
              "Upgrade: WebSocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Origin: http://example.com\r\n"
              "Sec-WebSocket-Location: ws://example.com/demo\r\n"
              "Sec-WebSocket-Protocol: sample\r\n"
              "\r\n"
              "8jKS'y:G*Co,Wxa-");
}

TEST(HixieResponse, Draft75ExactBytes)
{
    const auto request = validate_hixie(parse(draft75_head()));
    ASSERT_TRUE(request);
    EXPECT_EQ(format_hixie_response(*request, false, std::nullopt),
              "HTTP/1.1 101 Web Socket Protocol Handshake\r\n"
              "Upgrade: WebSocket\r\n"
              "Connection: Upgrade\r\n"
              "WebSocket-Origin: http://example.com\r\n"
              "WebSocket-Location: ws://example.com/demo\r\n"
              "WebSocket-Protocol: sample\r\n"
              "\r\n");
}

TEST(HixieResponse, TlsLocationAndNoProtocol)
{
    hixie_request request;
    request.draft = 76;
    request.target = "/websockify?token=a";
    request.host = "localhost:6080";
    request.origin = "https://localhost:6080";
    const hixie76_answer answer{};
    const std::string expected_head = "HTTP/1.1 101 WebSocket Protocol Handshake\r\n"
                                      "Upgrade: WebSocket\r\n"
                                      "Connection: Upgrade\r\n"
                                      "Sec-WebSocket-Origin: https://localhost:6080\r\n"
                                      "Sec-WebSocket-Location: wss://localhost:6080"
                                      "/websockify?token=a\r\n"
                                      "\r\n";
    EXPECT_EQ(format_hixie_response(request, true, answer), expected_head + std::string(16, '\0'));
}

TEST(HixieResponse, ControlCharactersCannotSplitHeaders)
{
    hixie_request request;
    request.draft = 75;
    request.target = "/";
    request.host = "a";
    request.origin = "x\r\nSet-Cookie: y";
    const auto response = format_hixie_response(request, false, std::nullopt);
    EXPECT_NE(response.find("WebSocket-Origin: x  Set-Cookie: y\r\n"), std::string::npos);
}

// ---- frame encoding -----------------------------------------------------------------------

TEST(HixieFrame, EncodesIntoCallerStorage)
{
    std::array<std::byte, 8> out{};
    const auto payload = text("AQID");
    ASSERT_EQ(encode_hixie_frame(out, payload), 6U);
    EXPECT_EQ(byte_vector(out.begin(), out.begin() + 6), bytes({0x00, 'A', 'Q', 'I', 'D', 0xFF}));
    EXPECT_EQ(hixie_frame_size(payload.size()), 6U);

    std::array<std::byte, 2> empty{};
    ASSERT_EQ(encode_hixie_frame(empty, {}), 2U);
    EXPECT_EQ(byte_vector(empty.begin(), empty.end()), bytes({0x00, 0xFF}));
}

TEST(HixieFrame, RefusesShortStorageAndTerminatorInPayload)
{
    std::array<std::byte, 5> small{};
    EXPECT_EQ(encode_hixie_frame(small, text("AQID")), 0U);
    EXPECT_EQ(small, (std::array<std::byte, 5>{}));
    std::array<std::byte, 8> out{};
    EXPECT_EQ(encode_hixie_frame(out, bytes({'A', 0xFF, 'B'})), 0U);
}

TEST(HixieFrame, GatherPiecesAndCloseBytes)
{
    EXPECT_EQ(byte_vector(hixie_frame_head.begin(), hixie_frame_head.end()), bytes({0x00}));
    EXPECT_EQ(byte_vector(hixie_frame_tail.begin(), hixie_frame_tail.end()), bytes({0xFF}));
    EXPECT_EQ(byte_vector(hixie_close_frame.begin(), hixie_close_frame.end()), bytes({0xFF, 0x00}));
}

// ---- frame decoding -----------------------------------------------------------------------

/// Everything a decoder reported for one input, independent of how the input was chunked.
struct transcript
{
    std::vector<std::string> frames; // payloads of completed 0x00 frames
    std::string partial;             // payload of a frame still open at the end
    bool closed = false;
    std::error_code failure;
    std::size_t consumed = 0;

    bool operator==(const transcript&) const = default;
};

void PrintTo(const transcript& t, std::ostream* os)
{
    *os << "{frames:";
    for (const auto& f : t.frames)
    {
        *os << " \"" << f << '"';
    }
    *os << ", partial: \"" << t.partial << "\", closed: " << t.closed
        << ", failure: " << t.failure.message() << ", consumed: " << t.consumed << '}';
}

/// How much of a frame that fails is delivered first depends on the chunking (slices go out as
/// they arrive); what must not depend on it is the completed frames and the failure.
transcript comparable(transcript t)
{
    if (t.failure)
    {
        t.partial.clear();
        t.consumed = 0;
    }
    return t;
}

/// Feeds input in chunks of the given sizes (the last chunk takes the rest), calling next()
/// until need_more as the relay would, and checks the event contract along the way.
transcript decode(std::span<const std::byte> input, const std::vector<std::size_t>& chunk_sizes,
                  hixie_decoder_options options = {})
{
    hixie_decoder decoder(options);
    transcript out;
    std::size_t offset = 0;
    std::size_t chunk_index = 0;
    while (offset < input.size())
    {
        std::size_t size = input.size() - offset;
        if (chunk_index < chunk_sizes.size())
        {
            size = std::min(size, chunk_sizes[chunk_index++]);
        }
        auto chunk = input.subspan(offset, size);
        offset += size;
        for (;;)
        {
            const auto event = decoder.next(chunk);
            EXPECT_LE(event.consumed, chunk.size());
            out.consumed += event.consumed;
            if (event.kind == hixie_event_kind::need_more)
            {
                EXPECT_EQ(event.consumed, chunk.size());
                break;
            }
            if (event.kind == hixie_event_kind::close)
            {
                out.closed = true;
                EXPECT_TRUE(decoder.closed());
                return out;
            }
            if (event.kind == hixie_event_kind::failed)
            {
                out.failure = event.failure;
                EXPECT_TRUE(decoder.failed());
                return out;
            }
            // A data slice lies inside the consumed part of this chunk, and is never empty
            // unless it ends the frame.
            EXPECT_TRUE(event.frame_complete || !event.payload.empty());
            if (!event.payload.empty())
            {
                EXPECT_GE(event.payload.data(), chunk.data());
                EXPECT_LE(event.payload.data() + event.payload.size(),
                          chunk.data() + event.consumed);
            }
            out.partial += as_string(event.payload);
            if (event.frame_complete)
            {
                out.frames.push_back(out.partial);
                out.partial.clear();
            }
            chunk = chunk.subspan(event.consumed);
        }
    }
    return out;
}

transcript decode_whole(std::span<const std::byte> input, hixie_decoder_options options = {})
{
    return decode(input, {}, options);
}

transcript decode_bytewise(std::span<const std::byte> input, hixie_decoder_options options = {})
{
    return decode(input, std::vector<std::size_t>(input.size(), 1), options);
}

transcript decode_random(std::span<const std::byte> input, unsigned seed,
                         hixie_decoder_options options = {})
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> dist(0, 9);
    std::vector<std::size_t> sizes;
    for (std::size_t total = 0; total < input.size();)
    {
        sizes.push_back(dist(rng)); // 0-byte chunks included: the decoder must not care
        total += sizes.back();
    }
    return decode(input, sizes, options);
}

byte_vector frame_of(std::string_view payload)
{
    byte_vector out{std::byte{0x00}};
    const auto body = text(payload);
    out.insert(out.end(), body.begin(), body.end());
    out.push_back(std::byte{0xFF});
    return out;
}

byte_vector concat(std::initializer_list<byte_vector> parts)
{
    byte_vector out;
    for (const auto& part : parts)
    {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

/// Asserts that whole, byte-by-byte and several random chunkings agree, and returns the result.
transcript decode_every_way(std::span<const std::byte> input, hixie_decoder_options options = {})
{
    auto whole = decode_whole(input, options);
    EXPECT_EQ(comparable(decode_bytewise(input, options)), comparable(whole));
    for (unsigned seed = 1; seed <= 20; ++seed)
    {
        EXPECT_EQ(comparable(decode_random(input, seed, options)), comparable(whole))
            << "seed " << seed;
    }
    return whole;
}

TEST(HixieDecoder, DecodesFramesInAnyChunking)
{
    const auto input =
        concat({frame_of("AAEC"), frame_of(""), frame_of("aGVsbG8gd29ybGQ="), frame_of("/w==")});
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.frames, (std::vector<std::string>{"AAEC", "", "aGVsbG8gd29ybGQ=", "/w=="}));
    EXPECT_EQ(result.partial, "");
    EXPECT_FALSE(result.closed);
    EXPECT_FALSE(result.failure);
    EXPECT_EQ(result.consumed, input.size());
}

TEST(HixieDecoder, DeliversAnOpenFrameAsItArrives)
{
    const auto input = concat({frame_of("QUJD"), bytes({0x00, 'R', 'E', 'V'})});
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.frames, (std::vector<std::string>{"QUJD"}));
    EXPECT_EQ(result.partial, "REV");
    EXPECT_EQ(result.consumed, input.size());
}

TEST(HixieDecoder, OneEventPerCallWithViewsIntoInput)
{
    hixie_decoder decoder;
    const auto input = concat({frame_of("ab"), frame_of("c")});
    auto event = decoder.next(input);
    ASSERT_EQ(event.kind, hixie_event_kind::data);
    EXPECT_EQ(event.consumed, 4U);
    EXPECT_EQ(event.payload.data(), input.data() + 1);
    EXPECT_EQ(as_string(event.payload), "ab");
    EXPECT_TRUE(event.frame_complete);

    event = decoder.next(std::span(input).subspan(4));
    ASSERT_EQ(event.kind, hixie_event_kind::data);
    EXPECT_EQ(event.consumed, 3U);
    EXPECT_EQ(as_string(event.payload), "c");

    event = decoder.next({});
    EXPECT_EQ(event.kind, hixie_event_kind::need_more);
    EXPECT_EQ(event.consumed, 0U);
}

TEST(HixieDecoder, FrameEndAloneIsAnEmptyCompletingSlice)
{
    hixie_decoder decoder;
    const auto first = bytes({0x00, 'x'});
    auto event = decoder.next(first);
    ASSERT_EQ(event.kind, hixie_event_kind::data);
    EXPECT_FALSE(event.frame_complete);
    EXPECT_EQ(as_string(event.payload), "x");

    const auto end = bytes({0xFF});
    event = decoder.next(end);
    ASSERT_EQ(event.kind, hixie_event_kind::data);
    EXPECT_TRUE(event.frame_complete);
    EXPECT_TRUE(event.payload.empty());
    EXPECT_EQ(event.consumed, 1U);
}

TEST(HixieDecoder, DetectsClosingHandshake)
{
    const auto input = concat({frame_of("QQ=="), bytes({0xFF, 0x00}), frame_of("ignored")});
    const auto result = decode_every_way(input);
    EXPECT_TRUE(result.closed);
    EXPECT_EQ(result.frames, (std::vector<std::string>{"QQ=="}));
    // Nothing after the close is consumed.
    EXPECT_EQ(result.consumed, 8U);
}

TEST(HixieDecoder, CloseIsStickyAndConsumesNothing)
{
    hixie_decoder decoder;
    auto event = decoder.next(hixie_close_frame);
    ASSERT_EQ(event.kind, hixie_event_kind::close);
    EXPECT_EQ(event.consumed, 2U);
    const auto more = frame_of("x");
    event = decoder.next(more);
    EXPECT_EQ(event.kind, hixie_event_kind::close);
    EXPECT_EQ(event.consumed, 0U);
    EXPECT_EQ(decoder.next({}).kind, hixie_event_kind::close);
}

TEST(HixieDecoder, DiscardsOtherSentinelFrameTypes)
{
    // draft-76 §5.3: 0x01..0x7F frames are read up to 0xFF and thrown away.
    const auto input = concat({bytes({0x01, 'n', 'o', 0xFF, 0x7F, 0xFF}), frame_of("eWVz")});
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.frames, (std::vector<std::string>{"eWVz"}));
    EXPECT_FALSE(result.failure);
    EXPECT_EQ(result.consumed, input.size());
}

TEST(HixieDecoder, RejectsLengthPrefixedFrames)
{
    for (const int type : {0x80, 0x81, 0xFE})
    {
        const auto input = concat({frame_of("QQ=="), bytes({type, 0x00})});
        const auto result = decode_every_way(input);
        EXPECT_EQ(result.failure, hixie_error::bad_frame_type) << type;
        EXPECT_EQ(result.frames, (std::vector<std::string>{"QQ=="}));
    }
    // 0xFF with a non-zero length is not the closing handshake.
    const auto result = decode_every_way(bytes({0xFF, 0x01, 'x'}));
    EXPECT_EQ(result.failure, hixie_error::bad_frame_type);
    EXPECT_FALSE(result.closed);
}

TEST(HixieDecoder, FailureIsStickyAndConsumesNothing)
{
    hixie_decoder decoder;
    const auto bad = bytes({0x80});
    auto event = decoder.next(bad);
    ASSERT_EQ(event.kind, hixie_event_kind::failed);
    EXPECT_EQ(event.failure, hixie_error::bad_frame_type);
    const auto good = frame_of("x");
    event = decoder.next(good);
    EXPECT_EQ(event.kind, hixie_event_kind::failed);
    EXPECT_EQ(event.consumed, 0U);
    EXPECT_EQ(event.failure, hixie_error::bad_frame_type);
    EXPECT_TRUE(decoder.failed());
}

TEST(HixieDecoder, EnforcesMaximumFrameSize)
{
    const hixie_decoder_options options{.max_frame_size = 8};
    // Exactly the limit, twice: the count restarts with every frame.
    const auto fits = concat({frame_of("12345678"), frame_of("abcdefgh")});
    const auto ok = decode_every_way(fits, options);
    EXPECT_FALSE(ok.failure);
    EXPECT_EQ(ok.frames.size(), 2U);

    const auto over = concat({frame_of("12345678"), frame_of("abcdefghi")});
    const auto failed = decode_every_way(over, options);
    EXPECT_EQ(failed.failure, hixie_error::frame_too_large);
    EXPECT_EQ(failed.frames, (std::vector<std::string>{"12345678"}));

    // Discarded frames count too, and so does an unterminated one.
    EXPECT_EQ(decode_every_way(bytes({0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}), options).failure,
              hixie_error::frame_too_large);
    EXPECT_EQ(decode_every_way(text(std::string(1, '\0') + "abcdefghi"), options).failure,
              hixie_error::frame_too_large);
}

TEST(HixieDecoder, UnlimitedByDefault)
{
    const std::string big(20000, 'A');
    const auto result = decode_every_way(frame_of(big));
    ASSERT_EQ(result.frames.size(), 1U);
    EXPECT_EQ(result.frames[0], big);
}

TEST(HixieDecoder, ArbitraryBytesDecodeAlikeInAnyChunking)
{
    // Bytes drawn mostly from the framing bytes, so that every state and error is reached.
    std::mt19937 rng(7);
    const std::array<int, 8> alphabet{0x00, 0xFF, 0x00, 0xFF, 'A', '=', 0x01, 0x80};
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    for (int round = 0; round < 200; ++round)
    {
        byte_vector input(static_cast<std::size_t>(round % 40));
        std::generate(input.begin(), input.end(),
                      [&] { return static_cast<std::byte>(alphabet[pick(rng)]); });
        decode_every_way(input, {.max_frame_size = static_cast<std::size_t>(round % 5)});
    }
}

TEST(HixieDecoder, RoundTripsBase64Relay)
{
    // What the relay does: target bytes -> base64 -> frame; frame -> payload -> base64 decode.
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> byte_dist(0, 255);
    std::vector<byte_vector> messages;
    byte_vector wire;
    for (std::size_t n = 0; n < 40; ++n)
    {
        byte_vector message(n * 7 % 50);
        std::generate(message.begin(), message.end(),
                      [&] { return static_cast<std::byte>(byte_dist(rng)); });
        const auto encoded = codec::base64_encode(message);
        byte_vector frame(hixie_frame_size(encoded.size()));
        ASSERT_EQ(encode_hixie_frame(frame, text(encoded)), frame.size());
        wire.insert(wire.end(), frame.begin(), frame.end());
        messages.push_back(std::move(message));
    }
    const auto result = decode_every_way(wire);
    ASSERT_EQ(result.frames.size(), messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i)
    {
        const auto decoded = codec::base64_decode(result.frames[i]);
        ASSERT_TRUE(decoded);
        EXPECT_EQ(*decoded, messages[i]) << i;
    }
}

} // namespace
} // namespace websockify::ws
