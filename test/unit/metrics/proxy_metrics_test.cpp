#include "websockify/metrics/proxy_metrics.hpp"

#include "websockify/metrics/exposition.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <set>
#include <string>

namespace websockify::metrics
{
namespace
{

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line)
{
    return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(ProxyMetrics, EveryReasonHasItsOwnName)
{
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < handshake_failure_count; ++i)
    {
        names.insert(to_string(static_cast<handshake_failure>(i)));
    }
    EXPECT_EQ(names.size(), handshake_failure_count);
}

TEST(ProxyMetrics, EveryReasonIsExposedAtZeroFromTheStart)
{
    const proxy_metrics m;
    const auto text = render_text(m.all());
    for (std::size_t i = 0; i < handshake_failure_count; ++i)
    {
        const auto reason = std::string(to_string(static_cast<handshake_failure>(i)));
        EXPECT_TRUE(
            has_line(text, "websockify_handshake_failures_total{reason=\"" + reason + "\"} 0"))
            << reason << "\n"
            << text;
    }
    EXPECT_TRUE(has_line(text, "websockify_sessions_active 0")) << text;
    EXPECT_TRUE(has_line(text, "websockify_connections_total 0")) << text;
    EXPECT_TRUE(has_line(text, "websockify_tls_handshakes_total{result=\"ok\"} 0")) << text;
    EXPECT_TRUE(has_line(text, "websockify_bytes_total{direction=\"from_client\"} 0")) << text;
}

TEST(ProxyMetrics, EventsMoveTheirMetrics)
{
    proxy_metrics m;
    m.connection_accepted();
    m.handshake_failed(handshake_failure::bad_request);
    m.handshake_failed(handshake_failure::bad_request);
    m.handshake_failed(handshake_failure::limit);
    m.tls_handshake_done(true);
    m.tls_handshake_done(false);
    m.session_opened();
    m.session_opened();
    m.session_ended();
    m.session_closed("client_closed", 1000, 12, 34);
    m.session_closed("target_closed", 1000, 1, 2);
    m.target_connect_took(2ms);
    m.token_lookup_took(700ms);
    const auto text = render_text(m.all());
    EXPECT_TRUE(has_line(text, "websockify_connections_total 1")) << text;
    EXPECT_TRUE(has_line(text, "websockify_handshake_failures_total{reason=\"bad_request\"} 2"));
    EXPECT_TRUE(has_line(text, "websockify_handshake_failures_total{reason=\"limit\"} 1"));
    EXPECT_TRUE(has_line(text, "websockify_handshake_failures_total{reason=\"timeout\"} 0"));
    EXPECT_TRUE(has_line(text, "websockify_tls_handshakes_total{result=\"ok\"} 1"));
    EXPECT_TRUE(has_line(text, "websockify_tls_handshakes_total{result=\"failed\"} 1"));
    EXPECT_TRUE(has_line(text, "websockify_sessions_active 1"));
    EXPECT_TRUE(
        has_line(text, "websockify_sessions_total{outcome=\"client_closed\",code=\"1000\"} 1"));
    EXPECT_TRUE(
        has_line(text, "websockify_sessions_total{outcome=\"target_closed\",code=\"1000\"} 1"));
    EXPECT_TRUE(has_line(text, "websockify_bytes_total{direction=\"from_client\"} 13"));
    EXPECT_TRUE(has_line(text, "websockify_bytes_total{direction=\"to_client\"} 36"));
    EXPECT_TRUE(has_line(text, "websockify_target_connect_seconds_bucket{le=\"0.001\"} 0"));
    EXPECT_TRUE(has_line(text, "websockify_target_connect_seconds_bucket{le=\"0.005\"} 1"));
    EXPECT_TRUE(has_line(text, "websockify_target_connect_seconds_count 1"));
    EXPECT_TRUE(has_line(text, "websockify_token_lookup_seconds_bucket{le=\"0.5\"} 0"));
    EXPECT_TRUE(has_line(text, "websockify_token_lookup_seconds_bucket{le=\"1\"} 1"));
    EXPECT_TRUE(has_line(text, "websockify_token_lookup_seconds_sum 0.7"));
}

TEST(ProxyMetrics, EveryMetricHasHelpAndType)
{
    const proxy_metrics m;
    const auto text = render_text(m.all());
    for (const auto* name : {"websockify_sessions_active", "websockify_sessions_total",
                             "websockify_bytes_total", "websockify_handshake_failures_total",
                             "websockify_target_connect_seconds", "websockify_token_lookup_seconds",
                             "websockify_tls_handshakes_total", "websockify_connections_total"})
    {
        EXPECT_NE(text.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
        EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
    }
}

} // namespace
} // namespace websockify::metrics
