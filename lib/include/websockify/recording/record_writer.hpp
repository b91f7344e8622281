#pragma once

#include "websockify/record/record_format.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

namespace websockify::recording
{

class record_writer;

/// How one session's recording files are created and bounded.
struct file_policy
{
    /// Bytes per file, header and footer included; 0: unbounded. Data is split across entries
    /// where needed, so no file ever exceeds it.
    std::uint64_t max_size = 0;
    /// At max_size: false ends the recording (the session goes on unrecorded); true goes on in
    /// NAME.part2, NAME.part3, ... (see record::with_suffix), each a loadable file on its own,
    /// with times still counted from the session's start.
    bool rotate = false;
    /// false: an existing file is replaced (Python's FILE.<n>); true: it is kept and the new
    /// recording steps around it as NAME-2, NAME-3, ...
    bool keep_existing = false;
};

/// One session's recording (--record FILE gives FILE.<n>). add() only formats and queues:
/// the disk is written by the writer's thread, so a slow disk never stalls the relay. When
/// the queue is full the recording is marked incomplete and further data dropped (one
/// warning); the file is still closed with 'EOF'];, so it stays loadable.
class session_recording
{
public:
    session_recording(record_writer& writer, std::shared_ptr<std::FILE> file, std::string path,
                      file_policy policy);
    ~session_recording();
    session_recording(const session_recording&) = delete;
    session_recording& operator=(const session_recording&) = delete;
    session_recording(session_recording&&) = delete;
    session_recording& operator=(session_recording&&) = delete;

    void add(record::direction way, std::span<const std::byte> bytes);
    bool complete() const noexcept { return complete_; }
    /// The file being written now (the first one, or the latest part when rotating).
    const std::string& path() const noexcept { return path_; }

private:
    /// Characters of data an entry at `ms` may still hold in the current file.
    std::size_t room_for(std::uint64_t ms) const noexcept;
    /// The current file is full: go on in the next part, or stop recording.
    void make_room();
    /// Ends the current file and opens the next part; false (recording stopped) when it cannot.
    bool start_next_part();
    void stop_recording(const std::string& why);

    record_writer& writer_;
    std::shared_ptr<std::FILE> file_;
    std::string first_path_;
    std::string path_;
    file_policy policy_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::uint64_t file_bytes_ = 0;
    std::uint64_t file_entries_ = 0;
    unsigned part_ = 1;
    bool complete_ = true;
};

/// The thread that writes every recording, with a bound on bytes waiting for the disk.
class record_writer
{
public:
    explicit record_writer(std::size_t max_queued_bytes = std::size_t{32} << 20U);
    /// Writes what is queued, closes the files and joins the thread.
    ~record_writer();
    record_writer(const record_writer&) = delete;
    record_writer& operator=(const record_writer&) = delete;
    record_writer(record_writer&&) = delete;
    record_writer& operator=(record_writer&&) = delete;

    /// Creates `path` (or, keeping an existing file, the first free NAME-k) and queues the
    /// header; null (after a warning) when it cannot be created.
    std::unique_ptr<session_recording> open(const std::string& path, file_policy policy = {});

    /// The file itself, header queued: what open() and a rotation share. `path` becomes the
    /// name actually created.
    std::shared_ptr<std::FILE> create(std::string& path, bool keep_existing);

    /// What a queued text is to its file.
    enum class piece
    {
        header, ///< always queued: a file must open its array
        entry,  ///< dropped when the queue is full
        footer, ///< always queued, then the file is flushed and closed
    };

    /// Queues `text` for `file`; false (nothing queued) when it is an entry and the queue is
    /// full. Header and footer may exceed the bound by their few bytes.
    bool enqueue(const std::shared_ptr<std::FILE>& file, std::string text, piece kind);

private:
    struct job
    {
        std::shared_ptr<std::FILE> file;
        std::string text;
        bool close_after = false;
    };

    void run();

    std::size_t max_queued_bytes_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<job> jobs_;
    std::size_t queued_bytes_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace websockify::recording
