#include "websockify/http/response.hpp"

#include <gtest/gtest.h>
#include <string>

namespace websockify::http
{
namespace
{

TEST(Response, FormatsExact400)
{
    EXPECT_EQ(format_error_response(400, "missing Sec-WebSocket-Key header"),
              "HTTP/1.1 400 Bad Request\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Connection: close\r\n"
              "Content-Length: 50\r\n"
              "\r\n"
              "400 Bad Request: missing Sec-WebSocket-Key header\n");
}

TEST(Response, FormatsExact426WithExtraHeader)
{
    EXPECT_EQ(format_error_response(426, "unsupported Sec-WebSocket-Version (supported: 13, 8, 7)",
                                    {{"Sec-WebSocket-Version", "13"}}),
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Connection: close\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Content-Length: 78\r\n"
              "\r\n"
              "426 Upgrade Required: unsupported Sec-WebSocket-Version (supported: 13, 8, 7)\n");
}

TEST(Response, FormatsHeadersInOrderWithBody)
{
    response r;
    r.headers = {{"Content-Type", "text/html"}, {"X-A", "1"}};
    r.body = "<p>hi</p>";
    EXPECT_EQ(format_response(r), "HTTP/1.1 200 OK\r\n"
                                  "Content-Type: text/html\r\n"
                                  "X-A: 1\r\n"
                                  "Content-Length: 9\r\n"
                                  "\r\n"
                                  "<p>hi</p>");
}

TEST(Response, EmptyBodyStillGetsContentLength)
{
    EXPECT_EQ(format_response({404, {}, {}}),
              "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
}

TEST(Response, StatusesWithoutContentGetNoLengthOrBody)
{
    EXPECT_EQ(format_response({204, {}, "ignored"}), "HTTP/1.1 204 No Content\r\n\r\n");
    EXPECT_EQ(format_response({304, {{"ETag", "\"x\""}}, {}}),
              "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n");
    EXPECT_EQ(format_response({101, {{"Upgrade", "websocket"}}, {}}),
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
}

TEST(Response, KeepsCallerContentLength)
{
    // A response to HEAD announces the length of the body it does not send.
    EXPECT_EQ(format_response({200, {{"content-length", "1234"}}, {}}),
              "HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n");
}

TEST(Response, ReplacesControlCharactersInHeaders)
{
    EXPECT_EQ(format_response({200, {{"X-A", "a\r\nSet-Cookie: x\tb"}}, {}}),
              "HTTP/1.1 200 OK\r\nX-A: a  Set-Cookie: x\tb\r\nContent-Length: 0\r\n\r\n");
}

TEST(Response, KnowsTheReasonPhrases)
{
    for (const int status : {101, 200, 204, 206, 301, 304, 400, 401, 403, 404, 405, 408, 413, 426,
                             431, 500, 502, 503, 504})
    {
        EXPECT_FALSE(reason_phrase(status).empty()) << status;
    }
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(599), "");
}

TEST(Response, UnknownStatusHasEmptyReason)
{
    EXPECT_EQ(format_error_response(599, "odd"), "HTTP/1.1 599 \r\n"
                                                 "Content-Type: text/plain; charset=utf-8\r\n"
                                                 "Connection: close\r\n"
                                                 "Content-Length: 9\r\n"
                                                 "\r\n"
                                                 "599: odd\n");
}

} // namespace
} // namespace websockify::http
