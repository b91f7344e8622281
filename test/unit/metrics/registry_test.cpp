#include "websockify/metrics/registry.hpp"

#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace websockify::metrics
{
namespace
{

TEST(Counter, AddsOneOrMore)
{
    counter c;
    c.add();
    c.add(41);
    EXPECT_EQ(c.value(), 42U);
}

TEST(Gauge, GoesUpAndDown)
{
    gauge g;
    g.add();
    g.add();
    g.subtract();
    EXPECT_EQ(g.value(), 1);
    g.subtract(3);
    EXPECT_EQ(g.value(), -2);
    g.set(7);
    EXPECT_EQ(g.value(), 7);
}

TEST(Registry, KeepsRegistrationOrder)
{
    registry r;
    r.add_gauge("b_gauge", "second");
    r.add_counter("a_total", "first");
    ASSERT_EQ(r.entries().size(), 2U);
    EXPECT_EQ(r.entries()[0].name, "b_gauge");
    EXPECT_EQ(r.entries()[1].name, "a_total");
}

TEST(Registry, SameLabelValuesGiveTheSameMember)
{
    registry r;
    auto& sessions = r.add_counter("sessions_total", "help", {"outcome", "code"});
    sessions.with({"client_closed", "1000"}).add();
    sessions.with({"client_closed", "1000"}).add();
    sessions.with({"target_closed", "1000"}).add();
    EXPECT_EQ(sessions.with({"client_closed", "1000"}).value(), 2U);
    EXPECT_EQ(sessions.with({"target_closed", "1000"}).value(), 1U);
}

TEST(Registry, UnlabelledMetricExistsBeforeFirstUse)
{
    registry r;
    const auto& connections = r.add_counter("connections_total", "help");
    int members = 0;
    connections.for_each([&members](const auto&, const counter&) { ++members; });
    EXPECT_EQ(members, 1);
}

TEST(Registry, LabelledMembersAreVisitedInLabelOrder)
{
    registry r;
    auto& bytes = r.add_counter("bytes_total", "help", {"direction"});
    bytes.with({"to_client"}).add(5);
    bytes.with({"from_client"}).add(3);
    std::vector<std::string> seen;
    bytes.for_each([&seen](const std::vector<std::string>& values, const counter&)
                   { seen.push_back(values.at(0)); });
    EXPECT_EQ(seen, (std::vector<std::string>{"from_client", "to_client"}));
}

TEST(Registry, WrongNumberOfLabelValuesThrows)
{
    registry r;
    auto& family = r.add_counter("x_total", "help", {"a"});
    EXPECT_THROW(family.with({}), std::invalid_argument);
    EXPECT_THROW(family.with({"1", "2"}), std::invalid_argument);
}

TEST(Registry, RejectsBadOrDuplicateNames)
{
    registry r;
    r.add_counter("ok_total", "help");
    EXPECT_THROW(r.add_counter("ok_total", "again"), std::invalid_argument);
    EXPECT_THROW(r.add_counter("1starts_with_digit", "help"), std::invalid_argument);
    EXPECT_THROW(r.add_counter("has-dash", "help"), std::invalid_argument);
    EXPECT_THROW(r.add_counter("", "help"), std::invalid_argument);
    EXPECT_THROW(r.add_counter("bad_label_total", "help", {"a:b"}), std::invalid_argument);
    EXPECT_THROW(r.add_counter("reserved_label_total", "help", {"__name"}), std::invalid_argument);
    EXPECT_THROW(r.add_histogram("h_seconds", "help", {1}, {"le"}), std::invalid_argument);
    EXPECT_THROW(r.add_histogram("unsorted_seconds", "help", {2, 1}), std::invalid_argument);
    EXPECT_NO_THROW(r.add_gauge("name:with_colon", "help"));
}

} // namespace
} // namespace websockify::metrics
