#include "websockify/ws/message_deflater.hpp"

#include "../support/bytes.hpp"
#include "websockify/ws/message_inflater.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <gtest/gtest.h>
#include <random>
#include <stdexcept>
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

byte_vector compress(message_deflater& deflater, const byte_vector& message)
{
    const auto out = deflater.compress(message);
    return {out.begin(), out.end()};
}

/// Inflates one whole message; fails the test unless it inflates cleanly.
byte_vector inflate(message_inflater& inflater, const byte_vector& compressed)
{
    inflater.feed(compressed, true);
    byte_vector out;
    inflate_status status = inflate_status::output_full;
    while (status == inflate_status::output_full)
    {
        status = inflater.inflate(out, 64 * 1024);
    }
    EXPECT_EQ(status, inflate_status::need_input);
    return out;
}

byte_vector random_data(unsigned seed, std::size_t size)
{
    std::mt19937 rng(seed);
    byte_vector out(size);
    std::generate(out.begin(), out.end(), [&] { return static_cast<std::byte>(rng() & 0xFFU); });
    return out;
}

byte_vector repetitive_text(std::size_t size)
{
    byte_vector out;
    for (unsigned line = 0; out.size() < size; ++line)
    {
        const auto more = text("line " + std::to_string(line % 97) + ": the quick brown fox\n");
        out.insert(out.end(), more.begin(), more.end());
    }
    out.resize(size);
    return out;
}

TEST(MessageDeflater, CompressesRfcHello)
{
    // RFC 7692 §7.2.3.1 and §7.2.3.2: the same bytes as zlib gives the RFC's authors, and the
    // second "Hello" shrinks to a back reference when the window is kept.
    message_deflater deflater(6, 15, false);
    EXPECT_EQ(compress(deflater, text("Hello")), bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
    EXPECT_EQ(compress(deflater, text("Hello")), bytes({0xf2, 0x00, 0x11, 0x00, 0x00}));
}

TEST(MessageDeflater, NoContextTakeoverRepeatsFirstMessageBytes)
{
    message_deflater deflater(6, 15, true);
    const auto first = compress(deflater, text("Hello"));
    EXPECT_EQ(first, bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
    EXPECT_EQ(compress(deflater, text("Hello")), first);
}

TEST(MessageDeflater, CompressesEmptyMessage)
{
    message_deflater deflater(6, 15, false);
    EXPECT_EQ(compress(deflater, {}), bytes({0x00}));
    compress(deflater, text("Hello"));
    EXPECT_EQ(compress(deflater, {}), bytes({0x00}));
    // The stream goes on after empty messages: the next "Hello" is still a back reference.
    message_inflater inflater(15, false, 0);
    EXPECT_EQ(inflate(inflater, bytes({0x00})), byte_vector{});
    EXPECT_EQ(inflate(inflater, bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})), text("Hello"));
    EXPECT_EQ(inflate(inflater, bytes({0x00})), byte_vector{});
    EXPECT_EQ(inflate(inflater, compress(deflater, text("Hello"))), text("Hello"));
}

TEST(MessageDeflater, RoundTripsWithContextTakeover)
{
    message_deflater deflater(6, 15, false);
    message_inflater inflater(15, false, 0);
    // Random bytes do not compress by themselves, only by reference to the previous message.
    const auto message = random_data(9, 8000);
    const auto first = compress(deflater, message);
    const auto second = compress(deflater, message);
    EXPECT_GT(first.size(), 8000U);
    EXPECT_LT(second.size(), 100U) << "the second copy should refer to the first";
    EXPECT_EQ(inflate(inflater, first), message);
    EXPECT_EQ(inflate(inflater, second), message);
}

TEST(MessageDeflater, RoundTripsWithoutContextTakeover)
{
    message_deflater deflater(6, 15, true);
    message_inflater inflater(15, true, 0);
    const auto message = random_data(9, 8000);
    const auto first = compress(deflater, message);
    EXPECT_GT(first.size(), 8000U);
    EXPECT_EQ(compress(deflater, message), first) << "the window must start empty again";
    EXPECT_EQ(inflate(inflater, first), message);
    EXPECT_EQ(inflate(inflater, first), message);
}

TEST(MessageDeflater, RoundTripsCompressibleAndRandomMegabyte)
{
    message_deflater deflater(6, 15, false);
    message_inflater inflater(15, false, 0);
    const auto textual = repetitive_text(1 << 20);
    const auto random = random_data(1, 1 << 20);
    const auto small = compress(deflater, textual);
    EXPECT_LT(small.size(), textual.size() / 10);
    EXPECT_EQ(inflate(inflater, small), textual);
    const auto big = compress(deflater, random);
    // Incompressible data goes into stored blocks: 5 bytes per 16 KiB block at most.
    EXPECT_LE(big.size(), random.size() + random.size() / 1000 + 64);
    EXPECT_EQ(inflate(inflater, big), random);
}

TEST(MessageDeflater, SmallWindowMissesDistantRepeats)
{
    auto message = random_data(3, 4096);
    message.insert(message.end(), message.begin(), message.end());
    message_deflater wide(6, 15, false);
    message_deflater narrow(6, 9, false);
    const auto wide_out = compress(wide, message);
    const auto narrow_out = compress(narrow, message);
    EXPECT_LT(wide_out.size(), 4096U + 200U) << "window 15 should find the 4 KiB repeat";
    EXPECT_GT(narrow_out.size(), 8000U) << "window 9 cannot reach 4 KiB back";
    message_inflater inflater(9, false, 0);
    EXPECT_EQ(inflate(inflater, narrow_out), message);
}

TEST(MessageDeflater, RejectsWindowZlibCannotWrite)
{
    EXPECT_THROW(message_deflater(6, 8, false), std::invalid_argument);
    EXPECT_THROW(message_deflater(6, 16, false), std::invalid_argument);
    EXPECT_THROW(message_inflater(7, false, 0), std::invalid_argument);
}

/// Seeded random words from a small vocabulary: compresses about like prose or source code.
byte_vector word_text(unsigned seed, std::size_t size)
{
    static constexpr std::array<std::string_view, 32> words{
        "the",    "session", "target", "client", "frame",  "message", "window", "buffer",
        "close",  "relay",   "socket", "server", "header", "payload", "zlib",   "deflate",
        "return", "const",   "struct", "while",  "value",  "string",  "error",  "timeout",
        "if",     "else",    "for",    "int",    "size",   "data",    "read",   "write"};
    std::mt19937 rng(seed);
    byte_vector out;
    while (out.size() < size)
    {
        const auto word = text(words.at(rng() % words.size()));
        out.insert(out.end(), word.begin(), word.end());
        out.push_back(static_cast<std::byte>(rng() % 9 == 0 ? '\n' : ' '));
    }
    out.resize(size);
    return out;
}

/// Throughput of the codec as the relay uses it (one message per 64 KiB target read). Printed
/// for the record; the assertions only check the round trip and the compressed sizes.
struct throughput
{
    double ratio = 0;        ///< compressed / original
    double compress_mbs = 0; ///< MB/s of original data
    double inflate_mbs = 0;
};

throughput measure(const byte_vector& data, int level, int window_bits)
{
    using clock = std::chrono::steady_clock;
    constexpr std::size_t chunk = 64 * 1024;
    message_deflater deflater(level, window_bits, false);
    std::vector<byte_vector> messages;
    std::size_t compressed = 0;
    const auto started = clock::now();
    for (std::size_t pos = 0; pos < data.size(); pos += chunk)
    {
        const auto n = std::min(chunk, data.size() - pos);
        const auto out = deflater.compress(std::span(data).subspan(pos, n));
        messages.emplace_back(out.begin(), out.end());
        compressed += out.size();
    }
    const auto compressed_at = clock::now();
    message_inflater inflater(window_bits, false, 0);
    byte_vector back;
    for (const auto& message : messages)
    {
        const auto part = inflate(inflater, message);
        back.insert(back.end(), part.begin(), part.end());
    }
    const auto inflated_at = clock::now();
    EXPECT_EQ(back, data);
    const auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
    const double mb = static_cast<double>(data.size()) / 1e6;
    return throughput{static_cast<double>(compressed) / static_cast<double>(data.size()),
                      mb / seconds(compressed_at - started),
                      mb / seconds(inflated_at - compressed_at)};
}

TEST(DeflateThroughput, PrintsRatioAndSpeed)
{
    const auto textual = word_text(4, 8 << 20);
    const auto random = random_data(5, 8 << 20);
    for (const int level : {1, 6})
    {
        const auto t = measure(textual, level, 15);
        const auto r = measure(random, level, 15);
        std::printf("permessage-deflate level %d window 15, 64 KiB messages: word text ratio "
                    "%.3f, compress %.0f MB/s, inflate %.0f MB/s; random ratio %.4f, compress "
                    "%.0f MB/s, inflate %.0f MB/s\n",
                    level, t.ratio, t.compress_mbs, t.inflate_mbs, r.ratio, r.compress_mbs,
                    r.inflate_mbs);
        EXPECT_LT(t.ratio, 0.5);
        EXPECT_LT(r.ratio, 1.001);
    }
}

} // namespace
} // namespace websockify::ws
