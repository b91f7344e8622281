#include "websockify/log/syslog_sink.hpp"

#include "scratch_dir.hpp"
#include "websockify/log/event_scope.hpp"
#include "websockify/log/log.hpp"

#include <array>
#include <cstring>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <spdlog/logger.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace websockify::log
{
namespace
{

/// A datagram socket the test receives syslog lines on: unix (bound to a path) or UDP.
class receiver
{
public:
    explicit receiver(const std::filesystem::path& path) : fd_(::socket(AF_UNIX, SOCK_DGRAM, 0))
    {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
        bind_to(reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    }

    receiver() : fd_(::socket(AF_INET, SOCK_DGRAM, 0))
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind_to(reinterpret_cast<const sockaddr*>(&address), sizeof(address));
        socklen_t length = sizeof(address);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }

    receiver(const receiver&) = delete;
    receiver& operator=(const receiver&) = delete;
    ~receiver() { ::close(fd_); }

    std::uint16_t port() const { return port_; }

    /// The next datagram, or nothing within `timeout_ms`.
    std::optional<std::string> next(int timeout_ms = 2000) const
    {
        pollfd ready{fd_, POLLIN, 0};
        if (::poll(&ready, 1, timeout_ms) != 1)
        {
            return std::nullopt;
        }
        std::array<char, 4096> buffer{};
        const auto n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n < 0)
        {
            return std::nullopt;
        }
        return std::string(buffer.data(), static_cast<std::size_t>(n));
    }

private:
    void bind_to(const sockaddr* address, socklen_t length) const
    {
        if (::bind(fd_, address, length) != 0)
        {
            throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
        }
    }

    int fd_;
    std::uint16_t port_ = 0;
};

std::shared_ptr<syslog_sink> sink_to(const std::string& server, syslog_protocol protocol)
{
    return std::make_shared<syslog_sink>(std::make_unique<syslog_socket>(server), protocol);
}

spdlog::logger logger_for(const std::shared_ptr<syslog_sink>& sink)
{
    spdlog::logger logger("test", sink);
    logger.set_pattern("%v");
    logger.set_level(spdlog::level::debug);
    return logger;
}

std::string pid_text()
{
    return std::to_string(::getpid());
}

TEST(SyslogSink, Rfc5424OverAUnixSocketWithTheEventAsMsgid)
{
    const test::scratch_dir dir;
    const receiver syslogd(dir / "log");
    auto sink = sink_to((dir / "log").string(), syslog_protocol::rfc5424);
    auto logger = logger_for(sink);
    {
        const event_scope scope("session closed");
        logger.warn("client went away");
    }
    const auto line = syslogd.next();
    ASSERT_TRUE(line);
    EXPECT_TRUE(line->starts_with("<12>1 ")) << *line; // user.warning
    EXPECT_NE(line->find(" websockify " + pid_text() + " session_closed - client went away"),
              std::string::npos)
        << *line;
    EXPECT_EQ(sink->dropped(), 0U);
}

TEST(SyslogSink, Rfc3164OverUdp)
{
    const receiver syslogd;
    auto sink = sink_to("127.0.0.1:" + std::to_string(syslogd.port()), syslog_protocol::rfc3164);
    auto logger = logger_for(sink);
    logger.debug("details");
    const auto line = syslogd.next();
    ASSERT_TRUE(line);
    EXPECT_TRUE(line->starts_with("<15>")) << *line; // user.debug
    EXPECT_TRUE(line->ends_with(" websockify[" + pid_text() + "]: details")) << *line;
}

TEST(SyslogSink, DropsWhileTheReceiverIsAbsentAndSaysSoOnce)
{
    const test::scratch_dir dir;
    auto sink = sink_to((dir / "log").string(), syslog_protocol::rfc5424);
    auto logger = logger_for(sink);
    logger.info("lost 1");
    logger.info("lost 2");
    EXPECT_EQ(sink->dropped(), 2U);
    const auto outage = sink->take_notice();
    ASSERT_TRUE(outage);
    EXPECT_TRUE(outage->warning);
    EXPECT_NE(outage->text.find("unreachable"), std::string::npos) << outage->text;
    EXPECT_FALSE(sink->take_notice()) << "one notice per outage";

    const receiver syslogd(dir / "log");
    logger.info("delivered");
    const auto line = syslogd.next();
    ASSERT_TRUE(line);
    EXPECT_TRUE(line->ends_with(" - delivered")) << *line;
    EXPECT_FALSE(sink->take_notice()) << "back only after two lines in a row";
    logger.info("delivered again");
    ASSERT_TRUE(syslogd.next());
    const auto recovery = sink->take_notice();
    ASSERT_TRUE(recovery);
    EXPECT_FALSE(recovery->warning);
    EXPECT_NE(recovery->text.find("2 log lines were dropped"), std::string::npos) << recovery->text;
}

TEST(SyslogSink, UdpServerThatIsDownDoesNotFlap)
{
    std::uint16_t closed_port = 0;
    {
        const receiver gone;
        closed_port = gone.port();
    }
    auto sink = sink_to("127.0.0.1:" + std::to_string(closed_port), syslog_protocol::rfc5424);
    auto logger = logger_for(sink);
    int notices = 0;
    for (int i = 0; i < 10; ++i)
    {
        // On loopback the ICMP error of one send is queued before the next send starts.
        logger.info("line {}", i);
        while (const auto notice = sink->take_notice())
        {
            EXPECT_TRUE(notice->warning) << notice->text;
            ++notices;
        }
    }
    EXPECT_EQ(notices, 1) << "one 'unreachable' notice, no 'answers again' in between";
    EXPECT_GE(sink->dropped(), 4U);
}

TEST(SyslogSink, BadAddressesThrowDestinationError)
{
    EXPECT_THROW(syslog_socket{"127.0.0.1:99999"}, destination_error);
    EXPECT_THROW(syslog_socket{"/" + std::string(200, 'x')}, destination_error);
}

} // namespace
} // namespace websockify::log
