#include "websockify/recording/record_writer.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

namespace websockify::recording
{
namespace
{

namespace fs = std::filesystem;

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The data of every entry of a finished recording of printable ASCII, in order; fails the
/// test when the file is not header, entries, footer.
std::string recorded_data(const fs::path& path)
{
    const auto text = read_file(path);
    EXPECT_TRUE(text.starts_with(record::file_header)) << path;
    EXPECT_TRUE(text.ends_with(record::file_footer)) << path;
    std::istringstream lines(text);
    std::string line;
    std::string data;
    std::getline(lines, line); // the header
    while (std::getline(lines, line) && line != "'EOF'];")
    {
        // '}<ms>}<data>',
        const auto second_marker = line.find('}', 2);
        EXPECT_TRUE(line.ends_with("',")) << line;
        data += line.substr(second_marker + 1, line.size() - second_marker - 3);
    }
    return data;
}

std::span<const std::byte> bytes_of(const std::string& text)
{
    return std::as_bytes(std::span(text));
}

class RecordWriter : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "record_writer_XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    /// Records `chunks` client->target under `policy`; returns the first file's path. The
    /// writer is gone (everything written and closed) when this returns.
    std::string record(const std::string& name, const std::vector<std::string>& chunks,
                       file_policy policy, std::size_t max_queued = std::size_t{32} << 20U)
    {
        record_writer writer(max_queued);
        auto session = writer.open((dir_ / name).string(), policy);
        EXPECT_NE(session, nullptr);
        const auto path = session->path();
        for (const auto& chunk : chunks)
        {
            session->add(record::direction::from_client, bytes_of(chunk));
        }
        complete_ = session->complete();
        return path;
    }

    fs::path dir_;
    bool complete_ = true;
};

std::vector<std::string> numbered_chunks(int count, std::size_t size)
{
    std::vector<std::string> chunks;
    for (int i = 0; i < count; ++i)
    {
        chunks.emplace_back(size, static_cast<char>('a' + i % 26));
    }
    return chunks;
}

std::string joined(const std::vector<std::string>& chunks)
{
    std::string all;
    for (const auto& chunk : chunks)
    {
        all += chunk;
    }
    return all;
}

TEST_F(RecordWriter, UnboundedKeepsEverything)
{
    const auto chunks = numbered_chunks(50, 1000);
    const auto path = record("plain", chunks, {});
    EXPECT_TRUE(complete_);
    EXPECT_EQ(recorded_data(path), joined(chunks));
}

TEST_F(RecordWriter, CapEndsTheRecordingWithAValidFile)
{
    file_policy policy;
    policy.max_size = 10'000;
    const auto chunks = numbered_chunks(50, 1000);
    const auto path = record("capped", chunks, policy);
    EXPECT_FALSE(complete_);
    EXPECT_LE(fs::file_size(path), policy.max_size);
    const auto data = recorded_data(path);
    EXPECT_GE(data.size(), 8'000U) << "the cap should be used, not stop far short of it";
    EXPECT_EQ(data, joined(chunks).substr(0, data.size())) << "a prefix, in order";
    EXPECT_FALSE(fs::exists(path + ".part2"));
}

TEST_F(RecordWriter, RotationSplitsIntoLoadablePartsLosingNothing)
{
    file_policy policy;
    policy.max_size = 10'000;
    policy.rotate = true;
    const auto chunks = numbered_chunks(50, 1000);
    const auto path = record("rotated.7", chunks, policy);
    EXPECT_TRUE(complete_);
    std::string data = recorded_data(path);
    EXPECT_LE(fs::file_size(path), policy.max_size);
    int parts = 1;
    for (int k = 2; fs::exists(path + ".part" + std::to_string(k)); ++k)
    {
        const auto part = path + ".part" + std::to_string(k);
        EXPECT_LE(fs::file_size(part), policy.max_size) << part;
        data += recorded_data(part);
        parts = k;
    }
    EXPECT_GE(parts, 5);
    EXPECT_EQ(data, joined(chunks));
}

TEST_F(RecordWriter, ALargeWriteIsSplitSoNoPartExceedsTheCap)
{
    file_policy policy;
    policy.max_size = 1024;
    policy.rotate = true;
    const std::vector<std::string> chunks{std::string(3000, 'x'), "y"};
    const auto path = record("big.js", chunks, policy);
    std::string data = recorded_data(path);
    EXPECT_EQ(fs::file_size(path), policy.max_size) << "a split fills the file exactly";
    for (int k = 2; fs::exists(dir_ / ("big.part" + std::to_string(k) + ".js")); ++k)
    {
        const auto part = dir_ / ("big.part" + std::to_string(k) + ".js");
        EXPECT_LE(fs::file_size(part), policy.max_size) << part;
        data += recorded_data(part);
    }
    EXPECT_EQ(data, chunks[0] + chunks[1]);
}

TEST_F(RecordWriter, KeepingExistingFilesStepsAroundThem)
{
    {
        std::ofstream old(dir_ / "desk.js");
        old << "earlier recording";
    }
    file_policy policy;
    policy.keep_existing = true;
    const auto path = record("desk.js", {"new"}, policy);
    EXPECT_EQ(path, (dir_ / "desk-2.js").string());
    EXPECT_EQ(read_file(dir_ / "desk.js"), "earlier recording");
    EXPECT_EQ(recorded_data(path), "new");
}

TEST_F(RecordWriter, PythonNamingReplacesAnExistingFile)
{
    {
        std::ofstream old(dir_ / "session.1");
        old << "earlier recording";
    }
    const auto path = record("session.1", {"new"}, {});
    EXPECT_EQ(path, (dir_ / "session.1").string());
    EXPECT_EQ(recorded_data(path), "new");
}

TEST_F(RecordWriter, FullQueueMarksIncompleteButTheFileStaysValid)
{
    // With a 2 KiB queue some entries are usually dropped; how many depends on how fast the
    // writer thread runs. Whatever happens, the file is valid and holds a prefix of the data.
    const auto chunks = numbered_chunks(50, 1000);
    const auto path = record("slow", chunks, {}, 2048);
    const auto data = recorded_data(path);
    EXPECT_EQ(data, joined(chunks).substr(0, data.size()));
    EXPECT_EQ(complete_, data.size() == joined(chunks).size());
}

TEST_F(RecordWriter, MissingDirectoryGivesNoRecording)
{
    record_writer writer;
    EXPECT_EQ(writer.open((dir_ / "absent" / "file").string()), nullptr);
}

} // namespace
} // namespace websockify::recording
