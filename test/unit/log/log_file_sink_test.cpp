#include "websockify/log/log_file_sink.hpp"

#include "scratch_dir.hpp"
#include "websockify/log/log.hpp"

#include <atomic>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <spdlog/logger.h>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace websockify::log
{
namespace
{

std::string read_all(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
    {
        lines.push_back(line);
    }
    return lines;
}

spdlog::logger logger_for(const std::shared_ptr<log_file_sink>& sink)
{
    spdlog::logger logger("test", sink);
    logger.set_pattern("%v");
    return logger;
}

mode_t current_umask()
{
    const auto mask = ::umask(0);
    ::umask(mask);
    return mask;
}

TEST(LogFileSink, AppendsLinesToAFileCreatedWithMode0640)
{
    const test::scratch_dir dir;
    const auto path = dir / "ws.log";
    auto sink = std::make_shared<log_file_sink>(path.string());
    auto logger = logger_for(sink);
    logger.info("first");
    logger.warn("second {}", 2);
    EXPECT_EQ(read_all(path), "first\nsecond 2\n");
    struct stat info
    {
    };
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0640U & ~current_umask());
}

TEST(LogFileSink, KeepsWhatTheFileHeld)
{
    const test::scratch_dir dir;
    const auto path = dir / "ws.log";
    std::ofstream(path) << "earlier\n";
    auto sink = std::make_shared<log_file_sink>(path.string());
    auto logger = logger_for(sink);
    logger.info("later");
    EXPECT_EQ(read_all(path), "earlier\nlater\n");
}

TEST(LogFileSink, UnopenableFileThrowsDestinationError)
{
    const test::scratch_dir dir;
    const auto path = dir / "missing-dir" / "ws.log";
    EXPECT_THROW(log_file_sink{path.string()}, destination_error);
}

TEST(LogFileSink, ReopenAfterMoveStartsANewFile)
{
    const test::scratch_dir dir;
    const auto path = dir / "ws.log";
    auto sink = std::make_shared<log_file_sink>(path.string());
    auto logger = logger_for(sink);
    logger.info("before rotation");
    std::filesystem::rename(path, dir / "ws.log.1");
    logger.info("after the move, before the HUP");
    EXPECT_FALSE(sink->reopen());
    logger.info("after the HUP");
    EXPECT_EQ(read_all(dir / "ws.log.1"), "before rotation\nafter the move, before the HUP\n");
    EXPECT_EQ(read_all(path), "after the HUP\n");
}

TEST(LogFileSink, FailedReopenKeepsTheOldFile)
{
    const test::scratch_dir dir;
    std::filesystem::create_directory(dir / "logs");
    const auto path = dir / "logs" / "ws.log";
    auto sink = std::make_shared<log_file_sink>(path.string());
    auto logger = logger_for(sink);
    std::filesystem::rename(dir / "logs", dir / "old-logs");
    EXPECT_TRUE(sink->reopen()) << "the directory is gone";
    logger.info("still here");
    EXPECT_EQ(read_all(dir / "old-logs" / "ws.log"), "still here\n");
}

TEST(LogFileSink, LinesWrittenDuringRotationAreNeitherLostNorTorn)
{
    const test::scratch_dir dir;
    const auto path = dir / "ws.log";
    auto sink = std::make_shared<log_file_sink>(path.string());
    auto logger = logger_for(sink);
    constexpr int writers = 4;
    constexpr int lines_each = 2000;
    const std::string padding(100, 'x');
    std::atomic<int> finished{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
    {
        threads.emplace_back(
            [&, w]
            {
                for (int i = 0; i < lines_each; ++i)
                {
                    logger.info("writer {} line {} {}", w, i, padding);
                }
                ++finished;
            });
    }
    int rotations = 0;
    while (finished.load() < writers)
    {
        std::filesystem::rename(path, dir / ("ws.log." + std::to_string(++rotations)));
        ASSERT_FALSE(sink->reopen());
    }
    for (auto& t : threads)
    {
        t.join();
    }
    std::set<std::string> seen;
    std::size_t total = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    {
        for (const auto& line : lines_of(read_all(entry.path())))
        {
            ASSERT_TRUE(line.starts_with("writer ") && line.ends_with(padding)) << line;
            seen.insert(line);
            ++total;
        }
    }
    EXPECT_EQ(total, std::size_t{writers * lines_each});
    EXPECT_EQ(seen.size(), total) << "a line was written twice";
    EXPECT_GT(rotations, 0);
}

} // namespace
} // namespace websockify::log
