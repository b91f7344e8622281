#include "websockify/config/config.hpp"

#include <filesystem>
#include <gtest/gtest.h>

namespace websockify::config
{
namespace
{

TEST(AbsolutePaths, RelativePathsResolvedAgainstCurrentDirectory)
{
    settings s;
    s.tls.cert = "self.pem";
    s.web = "web";
    s.lifecycle.pid_file = "run/ws.pid";
    s.unix_target = "/already/absolute.sock";
    make_paths_absolute(s);
    const auto here = std::filesystem::current_path();
    EXPECT_EQ(s.tls.cert, (here / "self.pem").string());
    EXPECT_EQ(s.web, (here / "web").string());
    EXPECT_EQ(s.lifecycle.pid_file, (here / "run/ws.pid").string());
    EXPECT_EQ(s.unix_target, "/already/absolute.sock");
    EXPECT_TRUE(s.tls.key.empty()) << "an unset path stays unset";
}

TEST(AbsolutePaths, LogFileAndSyslogSocketPathsButNotUdpAddresses)
{
    settings s;
    s.log_to.file = "ws.log";
    s.log_to.syslog = "log.sock";
    make_paths_absolute(s);
    const auto here = std::filesystem::current_path();
    EXPECT_EQ(s.log_to.file, (here / "ws.log").string());
    EXPECT_EQ(s.log_to.syslog, (here / "log.sock").string());

    settings udp;
    udp.log_to.syslog = "127.0.0.1:514";
    make_paths_absolute(udp);
    EXPECT_EQ(udp.log_to.syslog, "127.0.0.1:514");
}

} // namespace
} // namespace websockify::config
