#include "websockify/wrap/read_port_report.hpp"

#include <array>
#include <gtest/gtest.h>
#include <string_view>
#include <unistd.h>

namespace websockify::wrap
{
namespace
{

using namespace std::chrono_literals;

/// Both ends of a pipe, closed at the end of the test.
class test_pipe
{
public:
    test_pipe() { EXPECT_EQ(::pipe(ends_.data()), 0); }
    test_pipe(const test_pipe&) = delete;
    test_pipe& operator=(const test_pipe&) = delete;
    ~test_pipe()
    {
        close_write();
        ::close(ends_[0]);
    }
    int read_end() const { return ends_[0]; }
    void write(std::string_view text) const
    {
        EXPECT_EQ(::write(ends_[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
    void close_write()
    {
        if (ends_[1] >= 0)
        {
            ::close(ends_[1]);
            ends_[1] = -1;
        }
    }

private:
    std::array<int, 2> ends_{-1, -1};
};

TEST(WrapReadPortReport, ReadsTheLine)
{
    test_pipe pipe;
    pipe.write("6080 39999\n");
    pipe.close_write();
    const auto outcome = read_port_report(pipe.read_end(), 5s);
    ASSERT_EQ(outcome.status, report_status::reported);
    EXPECT_EQ(outcome.ports.public_port, 6080);
    EXPECT_EQ(outcome.ports.loopback_port, 39999);
}

TEST(WrapReadPortReport, LineIsEnoughWithoutEndOfFile)
{
    test_pipe pipe;
    pipe.write("6080 39999\n");
    EXPECT_EQ(read_port_report(pipe.read_end(), 5s).status, report_status::reported);
}

TEST(WrapReadPortReport, EndOfFileWithoutLine)
{
    test_pipe pipe;
    pipe.close_write();
    EXPECT_EQ(read_port_report(pipe.read_end(), 5s).status, report_status::closed_without_report);
}

TEST(WrapReadPortReport, NothingWithinTheLimit)
{
    test_pipe pipe;
    EXPECT_EQ(read_port_report(pipe.read_end(), 50ms).status, report_status::timed_out);
}

TEST(WrapReadPortReport, GarbageIsMalformed)
{
    test_pipe pipe;
    pipe.write("hello\n");
    const auto outcome = read_port_report(pipe.read_end(), 5s);
    EXPECT_EQ(outcome.status, report_status::malformed);
    EXPECT_EQ(outcome.text, "hello\n");
}

} // namespace
} // namespace websockify::wrap
