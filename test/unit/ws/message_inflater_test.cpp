#include "websockify/ws/message_inflater.hpp"

#include "../support/bytes.hpp"
#include "websockify/ws/message_deflater.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <vector>

namespace websockify::ws
{
namespace
{

using test::byte_vector;
using test::bytes;
using test::text;

struct inflated
{
    inflate_status status = inflate_status::need_input;
    byte_vector data;
    std::size_t largest_output = 0; ///< most bytes held at once before being drained
};

/// Inflates one whole message fed in `pieces` (the last ends it), draining `room` bytes at a
/// time as the relay does.
inflated inflate_pieces(message_inflater& inflater, const std::vector<byte_vector>& pieces,
                        std::size_t room = 64 * 1024)
{
    inflated result;
    for (std::size_t i = 0; i < pieces.size(); ++i)
    {
        inflater.feed(pieces[i], i + 1 == pieces.size());
        for (;;)
        {
            byte_vector out;
            result.status = inflater.inflate(out, room);
            EXPECT_LE(out.size(), room);
            result.largest_output = std::max(result.largest_output, out.size());
            result.data.insert(result.data.end(), out.begin(), out.end());
            if (result.status != inflate_status::output_full)
            {
                break;
            }
        }
        if (result.status != inflate_status::need_input)
        {
            break;
        }
    }
    return result;
}

inflated inflate_message(message_inflater& inflater, const byte_vector& compressed,
                         std::size_t room = 64 * 1024)
{
    return inflate_pieces(inflater, {compressed}, room);
}

byte_vector compress(message_deflater& deflater, const byte_vector& message)
{
    const auto out = deflater.compress(message);
    return {out.begin(), out.end()};
}

byte_vector random_data(unsigned seed, std::size_t size)
{
    std::mt19937 rng(seed);
    byte_vector out(size);
    std::generate(out.begin(), out.end(), [&] { return static_cast<std::byte>(rng() & 0xFFU); });
    return out;
}

/// Text with plenty of repetition, like terminal or protocol traffic.
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

// RFC 7692 §7.2.3 examples.

TEST(MessageInflater, InflatesRfcHello)
{
    message_inflater inflater(15, false, 0);
    const auto got = inflate_message(inflater, bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
    EXPECT_EQ(got.status, inflate_status::need_input);
    EXPECT_EQ(got.data, text("Hello"));
}

TEST(MessageInflater, InflatesRfcHelloInTwoFrames)
{
    message_inflater inflater(15, false, 0);
    const auto got =
        inflate_pieces(inflater, {bytes({0xf2, 0x48, 0xcd}), bytes({0xc9, 0xc9, 0x07, 0x00})});
    EXPECT_EQ(got.data, text("Hello"));
}

TEST(MessageInflater, InflatesRfcSecondHelloWithSharedWindow)
{
    // §7.2.3.2: the second "Hello" refers back into the first message.
    message_inflater inflater(15, false, 0);
    EXPECT_EQ(inflate_message(inflater, bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})).data,
              text("Hello"));
    const auto second = inflate_message(inflater, bytes({0xf2, 0x00, 0x11, 0x00, 0x00}));
    EXPECT_EQ(second.status, inflate_status::need_input);
    EXPECT_EQ(second.data, text("Hello"));
}

TEST(MessageInflater, NoContextTakeoverForgetsPreviousMessage)
{
    // With client_no_context_takeover the window is emptied, so a back reference is corrupt.
    message_inflater inflater(15, true, 0);
    EXPECT_EQ(inflate_message(inflater, bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})).data,
              text("Hello"));
    EXPECT_EQ(inflate_message(inflater, bytes({0xf2, 0x00, 0x11, 0x00, 0x00})).status,
              inflate_status::corrupt_data);
}

TEST(MessageInflater, InflatesRfcStoredBlock)
{
    message_inflater inflater(15, false, 0);
    const auto got = inflate_message(
        inflater, bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}));
    EXPECT_EQ(got.data, text("Hello"));
}

TEST(MessageInflater, InflatesRfcFinalBlockThenStartsAfresh)
{
    // §7.2.3.4: BFINAL set; what follows the final block is ignored, the next message is new.
    message_inflater inflater(15, false, 0);
    const auto hello = bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});
    EXPECT_EQ(inflate_message(inflater, hello).data, text("Hello"));
    const auto again = inflate_message(inflater, hello);
    EXPECT_EQ(again.status, inflate_status::need_input);
    EXPECT_EQ(again.data, text("Hello"));
}

TEST(MessageInflater, InflatesEmptyMessage)
{
    message_inflater inflater(15, false, 0);
    const auto got = inflate_message(inflater, bytes({0x00}));
    EXPECT_EQ(got.status, inflate_status::need_input);
    EXPECT_TRUE(got.data.empty());
}

TEST(MessageInflater, RejectsCorruptData)
{
    // BTYPE 11 is reserved (RFC 1951 §3.2.3).
    message_inflater inflater(15, false, 0);
    EXPECT_EQ(inflate_message(inflater, bytes({0xff, 0xff, 0xff})).status,
              inflate_status::corrupt_data);
    byte_vector out;
    EXPECT_EQ(inflater.inflate(out, 100), inflate_status::corrupt_data) << "failure is sticky";
}

TEST(MessageInflater, StopsDecompressionBombAtTheLimit)
{
    // 64 MiB of zeros compress to about 64 KiB; the limit is 1 MiB.
    constexpr std::size_t limit = 1 << 20;
    message_deflater deflater(9, 15, false);
    const auto bomb = compress(deflater, byte_vector(64U << 20U));
    ASSERT_LT(bomb.size(), 100U * 1024U);
    message_inflater inflater(15, false, limit);
    const auto got = inflate_message(inflater, bomb);
    EXPECT_EQ(got.status, inflate_status::message_too_big);
    EXPECT_LE(got.data.size(), limit + 1) << "inflated past the limit before stopping";
    EXPECT_LE(got.largest_output, 64U * 1024U);
}

TEST(MessageInflater, StopsBombEvenWithHugeRoom)
{
    constexpr std::size_t limit = 4096;
    message_deflater deflater(6, 15, false);
    const auto bomb = compress(deflater, byte_vector(1U << 20U));
    message_inflater inflater(15, false, limit);
    const auto got = inflate_message(inflater, bomb, std::size_t{1} << 30U);
    EXPECT_EQ(got.status, inflate_status::message_too_big);
    EXPECT_LE(got.largest_output, limit + 1) << "output buffer grew past the limit";
}

TEST(MessageInflater, AcceptsMessageOfExactlyTheLimit)
{
    message_deflater deflater(6, 15, false);
    const auto message = repetitive_text(10'000);
    message_inflater inflater(15, false, message.size());
    const auto got = inflate_message(inflater, compress(deflater, message), 1000);
    EXPECT_EQ(got.status, inflate_status::need_input);
    EXPECT_EQ(got.data, message);
    // The limit is per message: a second one of the same size passes too.
    EXPECT_EQ(inflate_message(inflater, compress(deflater, message)).data, message);
}

TEST(MessageInflater, InflatesAnyChunkingAndRoom)
{
    message_deflater deflater(6, 15, false);
    const auto message = repetitive_text(300'000);
    const auto compressed = compress(deflater, message);
    std::mt19937 rng(7);
    std::vector<byte_vector> pieces;
    for (std::size_t pos = 0; pos < compressed.size();)
    {
        const std::size_t n = std::min<std::size_t>(compressed.size() - pos, 1 + rng() % 700);
        pieces.emplace_back(compressed.begin() + static_cast<std::ptrdiff_t>(pos),
                            compressed.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
    }
    for (const std::size_t room : {std::size_t{1}, std::size_t{777}, std::size_t{65536}})
    {
        message_inflater inflater(15, false, 0);
        const auto got = inflate_pieces(inflater, pieces, room);
        EXPECT_EQ(got.status, inflate_status::need_input) << room;
        EXPECT_EQ(got.data, message) << room;
    }
}

TEST(MessageInflater, SmallWindowRejectsDistantReferences)
{
    // A random 4 KiB block twice: the repeat is 4096 bytes back, out of reach of a 512-byte
    // window, so an inflater sized for client_max_window_bits=9 must refuse it. (zlib resolves
    // references into output of the same call, hence the small room that forces the window.)
    auto message = random_data(3, 4096);
    message.insert(message.end(), message.begin(), message.end());
    message_deflater wide(6, 15, false);
    const auto compressed = compress(wide, message);
    message_inflater narrow(9, false, 0);
    EXPECT_EQ(inflate_message(narrow, compressed, 512).status, inflate_status::corrupt_data);
    message_inflater full(15, false, 0);
    EXPECT_EQ(inflate_message(full, compressed, 512).data, message);
}

} // namespace
} // namespace websockify::ws
