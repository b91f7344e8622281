#include "websockify/server/metrics_routes.hpp"

#include <gtest/gtest.h>
#include <string>

namespace websockify::server
{
namespace
{

std::string request(std::string_view method, std::string_view target)
{
    return std::string(method) + " " + std::string(target) +
           " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test\r\n\r\n";
}

std::string body_of(const std::string& response)
{
    const auto end = response.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : response.substr(end + 4);
}

class MetricsRoutes : public ::testing::Test
{
protected:
    MetricsRoutes() { registry_.add_counter("demo_total", "Demo.").with({}).add(4); }

    std::string answer(std::string_view method, std::string_view target,
                       std::string_view not_ready = {}) const
    {
        return answer_metrics_request(request(method, target), registry_, not_ready);
    }

    metrics::registry registry_;
};

TEST_F(MetricsRoutes, MetricsIsPrometheusText)
{
    const auto response = answer("GET", "/metrics");
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK\r\n")) << response;
    EXPECT_NE(response.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
              std::string::npos)
        << response;
    EXPECT_EQ(body_of(response), "# HELP demo_total Demo.\n"
                                 "# TYPE demo_total counter\n"
                                 "demo_total 4\n");
}

TEST_F(MetricsRoutes, QueryStringIsIgnored)
{
    EXPECT_TRUE(answer("GET", "/metrics?name[]=demo_total").starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST_F(MetricsRoutes, HeadHasLengthButNoBody)
{
    const auto response = answer("HEAD", "/metrics");
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK\r\n")) << response;
    EXPECT_TRUE(response.ends_with("\r\n\r\n")) << response;
    const auto length = body_of(answer("GET", "/metrics")).size();
    EXPECT_NE(response.find("Content-Length: " + std::to_string(length) + "\r\n"),
              std::string::npos)
        << response;
}

TEST_F(MetricsRoutes, HealthzIsOk)
{
    const auto response = answer("GET", "/healthz", "shutting down");
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK\r\n")) << response;
    EXPECT_EQ(body_of(response), "ok\n");
}

TEST_F(MetricsRoutes, ReadyzFollowsTheReason)
{
    const auto ready = answer("GET", "/readyz");
    EXPECT_TRUE(ready.starts_with("HTTP/1.1 200 OK\r\n")) << ready;
    EXPECT_EQ(body_of(ready), "ok\n");
    const auto not_ready = answer("GET", "/readyz", "the wrapped program is not running");
    EXPECT_TRUE(not_ready.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << not_ready;
    EXPECT_EQ(body_of(not_ready), "503 Service Unavailable: the wrapped program is not running\n");
}

TEST_F(MetricsRoutes, UnknownPathIs404)
{
    EXPECT_TRUE(answer("GET", "/").starts_with("HTTP/1.1 404 Not Found\r\n"));
    EXPECT_TRUE(answer("GET", "/metrics/").starts_with("HTTP/1.1 404 Not Found\r\n"));
}

TEST_F(MetricsRoutes, OtherMethodsAre405WithAllow)
{
    const auto response = answer("POST", "/metrics");
    EXPECT_TRUE(response.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")) << response;
    EXPECT_NE(response.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos) << response;
}

TEST_F(MetricsRoutes, MalformedHeadIs400)
{
    const auto response = answer_metrics_request("GET /metrics\r\n\r\n", registry_, {});
    EXPECT_TRUE(response.starts_with("HTTP/1.1 400 Bad Request\r\n")) << response;
    const auto bad_header =
        answer_metrics_request("GET /metrics HTTP/1.1\r\nBad Header: x\r\n\r\n", registry_, {});
    EXPECT_TRUE(bad_header.starts_with("HTTP/1.1 400 Bad Request\r\n")) << bad_header;
}

} // namespace
} // namespace websockify::server
