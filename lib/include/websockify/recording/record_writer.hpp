#pragma once

#include "websockify/record/record_format.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
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

/// One session's recording (--record FILE gives FILE.<n>). add() only formats and queues:
/// the disk is written by the writer's thread, so a slow disk never stalls the relay. When
/// the queue is full the recording is marked incomplete and further data dropped (one
/// warning); the file is still closed with 'EOF'];, so it stays loadable.
class session_recording
{
public:
    session_recording(record_writer& writer, std::shared_ptr<std::FILE> file, std::string path);
    ~session_recording();
    session_recording(const session_recording&) = delete;
    session_recording& operator=(const session_recording&) = delete;
    session_recording(session_recording&&) = delete;
    session_recording& operator=(session_recording&&) = delete;

    void add(record::direction way, std::span<const std::byte> bytes);
    bool complete() const noexcept { return complete_; }

private:
    record_writer& writer_;
    std::shared_ptr<std::FILE> file_;
    std::string path_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
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

    /// Creates `path` and queues the header; null (after a warning) when it cannot be created.
    std::unique_ptr<session_recording> open(const std::string& path);

    /// Queues `text` for `file`; false (nothing queued) when the queue is full.
    bool enqueue(const std::shared_ptr<std::FILE>& file, std::string text, bool close_after);

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
