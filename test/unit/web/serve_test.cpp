#include "websockify/web/serve.hpp"

#include "parsed_response.hpp"
#include "temp_tree.hpp"

#include <array>
#include <gtest/gtest.h>

namespace websockify::web
{
namespace
{

using test::parse_response;
using test::parsed_response;

struct exchange_result
{
    int status = 0;
    std::string raw;
    parsed_response response;
};

/// The server side: serve, then close as the connection coroutine will.
net::awaitable<void> serve_then_close(net::stream_socket socket, http::request_head request,
                                      options opts, int& status)
{
    status = co_await serve(socket, request, opts);
    asio::error_code ignored;
    socket.shutdown(net::stream_socket::shutdown_send, ignored);
    socket.close(ignored);
}

/// The client side: everything until the server closes, or until `limit` bytes.
net::awaitable<void> read_until_closed(net::tcp::socket& socket, std::string& out,
                                       std::size_t limit)
{
    std::array<char, 16384> chunk{};
    while (out.size() < limit)
    {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(chunk), net::use_tuple);
        out.append(chunk.data(), n);
        if (ec)
        {
            co_return;
        }
    }
    asio::error_code ignored;
    socket.close(ignored);
}

/// Sends `raw_request` (already parsed, as the connection coroutine hands it over) to serve()
/// over a loopback TCP pair and reads the whole response.
exchange_result exchange(std::string_view raw_request, const options& opts,
                         std::size_t limit = std::string::npos)
{
    auto head = http::parse_request_head(raw_request);
    EXPECT_TRUE(head) << raw_request;
    asio::io_context io;
    net::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    net::tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    net::stream_socket server(acceptor.accept());
    exchange_result result;
    asio::co_spawn(io, serve_then_close(std::move(server), *head, opts, result.status),
                   asio::detached);
    asio::co_spawn(io, read_until_closed(client, result.raw, limit), asio::detached);
    io.run();
    result.response = parse_response(result.raw);
    return result;
}

std::string request(std::string_view method, std::string_view target, std::string_view headers = "")
{
    return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
           std::string(headers) + "\r\n";
}

/// Bytes that differ at every offset, so a misplaced chunk cannot go unnoticed.
std::string pattern(std::size_t size)
{
    std::string out(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
    {
        out[i] = static_cast<char>((i * 7 + i / 251) & 0xFFU);
    }
    return out;
}

class WebServe : public ::testing::Test
{
protected:
    WebServe()
    {
        tree.write("www/hello.txt", "Hello, world\n");
        tree.write("www/app/index.html", "<!DOCTYPE html><p>app</p>");
        binary = pattern(1000);
        tree.write("www/data.bin", binary);
        opts.root = tree.root();
    }

    test::temp_tree tree;
    options opts;
    std::string binary;
};

TEST_F(WebServe, GetSendsTheFileByteExact)
{
    const auto r = exchange(request("GET", "/data.bin"), opts);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.header("Content-Length"), "1000");
    EXPECT_EQ(r.response.header("Connection"), "close");
    EXPECT_TRUE(r.response.body == binary);
}

TEST_F(WebServe, GetDirectoryServesIndex)
{
    const auto r = exchange(request("GET", "/app/"), opts);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.response.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.response.body, "<!DOCTYPE html><p>app</p>");
}

TEST_F(WebServe, HeadHasHeadersAndNoBody)
{
    const auto r = exchange(request("HEAD", "/hello.txt"), opts);
    EXPECT_EQ(r.status, 200);
    ASSERT_TRUE(r.response.complete_head);
    EXPECT_EQ(r.response.header("Content-Length"), "13");
    EXPECT_EQ(r.response.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_TRUE(r.response.header("Last-Modified"));
    EXPECT_TRUE(r.response.body.empty());
}

TEST_F(WebServe, NotModifiedIs304WithoutBody)
{
    const auto first = exchange(request("GET", "/hello.txt"), opts);
    const auto last_modified = first.response.header("Last-Modified");
    ASSERT_TRUE(last_modified);
    const auto r = exchange(
        request("GET", "/hello.txt", "If-Modified-Since: " + *last_modified + "\r\n"), opts);
    EXPECT_EQ(r.status, 304);
    EXPECT_EQ(r.response.status, 304);
    EXPECT_TRUE(r.response.body.empty());
}

TEST_F(WebServe, RangeIs206WithThoseBytes)
{
    const auto r = exchange(request("GET", "/data.bin", "Range: bytes=100-299\r\n"), opts);
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.response.header("Content-Range"), "bytes 100-299/1000");
    EXPECT_EQ(r.response.header("Content-Length"), "200");
    EXPECT_TRUE(r.response.body == binary.substr(100, 200));
}

TEST_F(WebServe, UnsatisfiableRangeIs416)
{
    const auto r = exchange(request("GET", "/data.bin", "Range: bytes=5000-\r\n"), opts);
    EXPECT_EQ(r.status, 416);
    EXPECT_EQ(r.response.header("Content-Range"), "bytes */1000");
}

TEST_F(WebServe, DirectoryWithoutSlashIs301)
{
    const auto r = exchange(request("GET", "/app?v=2"), opts);
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.response.header("Location"), "/app/?v=2");
}

TEST_F(WebServe, MissingIs404)
{
    const auto r = exchange(request("GET", "/nope"), opts);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.response.status, 404);
    EXPECT_EQ(r.response.header("Content-Length"), std::to_string(r.response.body.size()));
}

TEST_F(WebServe, PostIs405)
{
    const auto r = exchange(request("POST", "/hello.txt", "Content-Length: 0\r\n"), opts);
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.response.header("Allow"), "GET, HEAD");
}

TEST_F(WebServe, TraversalIs403AndLeaksNothing)
{
    tree.write("secret.txt", "TOP SECRET");
    for (const auto* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"})
    {
        const auto r = exchange(request("GET", target), opts);
        EXPECT_EQ(r.status, 403) << target;
        EXPECT_EQ(r.raw.find("TOP SECRET"), std::string::npos) << target;
    }
}

TEST_F(WebServe, FiveMebibyteFileIsStreamedIntact)
{
    const auto big = pattern(std::size_t{5} << 20U);
    tree.write("www/big.bin", big);
    const auto r = exchange(request("GET", "/big.bin"), opts);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.response.header("Content-Length"), std::to_string(big.size()));
    ASSERT_EQ(r.response.body.size(), big.size());
    EXPECT_TRUE(r.response.body == big);
}

TEST_F(WebServe, RangeAcrossChunkBoundaries)
{
    const auto big = pattern(3 * chunk_size + 17);
    tree.write("www/big.bin", big);
    const auto first = chunk_size - 5;
    const auto last = 2 * chunk_size + 9;
    const auto r = exchange(
        request("GET", "/big.bin",
                "Range: bytes=" + std::to_string(first) + "-" + std::to_string(last) + "\r\n"),
        opts);
    EXPECT_EQ(r.status, 206);
    EXPECT_TRUE(r.response.body == big.substr(first, last - first + 1));
}

TEST_F(WebServe, SparseGibibyteFileIsNeverLoaded)
{
    // 1 GiB of holes: reading it into memory would be noticed; the tail is served by offset.
    const auto path = tree.root() / "huge.bin";
    tree.write("www/huge.bin", "");
    std::filesystem::resize_file(path, std::uint64_t{1} << 30U);
    const auto head = exchange(request("HEAD", "/huge.bin"), opts);
    EXPECT_EQ(head.response.header("Content-Length"), "1073741824");
    const auto tail = exchange(request("GET", "/huge.bin", "Range: bytes=-10\r\n"), opts);
    EXPECT_EQ(tail.status, 206);
    EXPECT_EQ(tail.response.header("Content-Range"), "bytes 1073741814-1073741823/1073741824");
    EXPECT_EQ(tail.response.body, std::string(10, '\0'));
}

TEST_F(WebServe, ClientGoneMidFileEndsQuietly)
{
    tree.write("www/big.bin", pattern(std::size_t{8} << 20U));
    const auto r = exchange(request("GET", "/big.bin"), opts, 100'000);
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(r.raw.size(), std::size_t{8} << 20U);
}

} // namespace
} // namespace websockify::web
