#include "websockify/metrics/exposition.hpp"

#include <gtest/gtest.h>
#include <limits>
#include <string>

namespace websockify::metrics
{
namespace
{

TEST(Exposition, CountersWithAndWithoutLabels)
{
    registry r;
    r.add_counter("conn_total", "Connections accepted.").with({}).add(3);
    auto& bytes = r.add_counter("bytes_total", "Bytes.", {"direction"});
    bytes.with({"to_client"}).add(10);
    bytes.with({"from_client"}).add(7);
    EXPECT_EQ(render_text(r), "# HELP conn_total Connections accepted.\n"
                              "# TYPE conn_total counter\n"
                              "conn_total 3\n"
                              "# HELP bytes_total Bytes.\n"
                              "# TYPE bytes_total counter\n"
                              "bytes_total{direction=\"from_client\"} 7\n"
                              "bytes_total{direction=\"to_client\"} 10\n");
}

TEST(Exposition, GaugeMayBeNegative)
{
    registry r;
    r.add_gauge("level", "A level.").with({}).subtract(2);
    EXPECT_EQ(render_text(r), "# HELP level A level.\n"
                              "# TYPE level gauge\n"
                              "level -2\n");
}

TEST(Exposition, LabelledFamilyWithoutMembersHasOnlyItsHeader)
{
    registry r;
    r.add_counter("sessions_total", "Sessions.", {"outcome", "code"});
    EXPECT_EQ(render_text(r), "# HELP sessions_total Sessions.\n"
                              "# TYPE sessions_total counter\n");
}

TEST(Exposition, SeveralLabelsInDeclaredOrder)
{
    registry r;
    r.add_counter("sessions_total", "Sessions.", {"outcome", "code"})
        .with({"client_closed", "1000"})
        .add();
    EXPECT_EQ(render_text(r), "# HELP sessions_total Sessions.\n"
                              "# TYPE sessions_total counter\n"
                              "sessions_total{outcome=\"client_closed\",code=\"1000\"} 1\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeWithSumAndCount)
{
    registry r;
    // Binary fractions, so that the sum is exact.
    auto& h = r.add_histogram("connect_seconds", "Connect time.", {0.25, 1, 4}).with({});
    h.observe(0.125);
    h.observe(0.25);
    h.observe(0.5);
    h.observe(8);
    EXPECT_EQ(render_text(r), "# HELP connect_seconds Connect time.\n"
                              "# TYPE connect_seconds histogram\n"
                              "connect_seconds_bucket{le=\"0.25\"} 2\n"
                              "connect_seconds_bucket{le=\"1\"} 3\n"
                              "connect_seconds_bucket{le=\"4\"} 3\n"
                              "connect_seconds_bucket{le=\"+Inf\"} 4\n"
                              "connect_seconds_sum 8.875\n"
                              "connect_seconds_count 4\n");
}

TEST(Exposition, HistogramLabelsComeBeforeLe)
{
    registry r;
    r.add_histogram("t_seconds", "T.", {1}, {"plugin"}).with({"redis"}).observe(0.5);
    EXPECT_EQ(render_text(r), "# HELP t_seconds T.\n"
                              "# TYPE t_seconds histogram\n"
                              "t_seconds_bucket{plugin=\"redis\",le=\"1\"} 1\n"
                              "t_seconds_bucket{plugin=\"redis\",le=\"+Inf\"} 1\n"
                              "t_seconds_sum{plugin=\"redis\"} 0.5\n"
                              "t_seconds_count{plugin=\"redis\"} 1\n");
}

TEST(Exposition, LabelValuesAreEscaped)
{
    EXPECT_EQ(escape_label_value(R"(a\b"c)"
                                 "\nd"),
              R"(a\\b\"c\nd)");
    registry r;
    r.add_counter("odd_total", "Odd.", {"why"}).with({"say \"hi\"\\\n"}).add();
    EXPECT_EQ(render_text(r), "# HELP odd_total Odd.\n"
                              "# TYPE odd_total counter\n"
                              "odd_total{why=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(Exposition, HelpEscapesBackslashAndNewlineButNotQuotes)
{
    EXPECT_EQ(escape_help("a \"quoted\" \\ line\nnext"), "a \"quoted\" \\\\ line\\nnext");
}

TEST(Exposition, FloatsInShortestForm)
{
    EXPECT_EQ(format_float(0.001), "0.001");
    EXPECT_EQ(format_float(0.5), "0.5");
    EXPECT_EQ(format_float(1), "1");
    EXPECT_EQ(format_float(5), "5");
    EXPECT_EQ(format_float(0), "0");
    EXPECT_EQ(format_float(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_float(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_float(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Exposition, ContentTypeIsVersion004)
{
    EXPECT_EQ(exposition_content_type, "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace
} // namespace websockify::metrics
