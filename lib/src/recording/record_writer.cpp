#include "websockify/recording/record_writer.hpp"

#include "websockify/log/log.hpp"

#include <cerrno>
#include <cstring>

namespace websockify::recording
{

session_recording::session_recording(record_writer& writer, std::shared_ptr<std::FILE> file,
                                     std::string path)
    : writer_(writer), file_(std::move(file)), path_(std::move(path))
{
}

session_recording::~session_recording()
{
    // The footer is queued even when data was dropped (enqueue always takes it), so the file
    // always ends as valid JavaScript.
    writer_.enqueue(file_, std::string(record::file_footer), true);
}

void session_recording::add(record::direction way, std::span<const std::byte> bytes)
{
    if (!complete_)
    {
        return;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started_)
                        .count();
    auto entry = record::format_entry(way, static_cast<std::uint64_t>(ms), bytes);
    if (!writer_.enqueue(file_, std::move(entry), false))
    {
        complete_ = false;
        log::server_warn("recording " + path_ +
                         " is incomplete: the disk cannot keep up, later data is not recorded");
    }
}

record_writer::record_writer(std::size_t max_queued_bytes)
    : max_queued_bytes_(max_queued_bytes), thread_([this] { run(); })
{
}

record_writer::~record_writer()
{
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

std::unique_ptr<session_recording> record_writer::open(const std::string& path)
{
    std::FILE* raw = std::fopen(path.c_str(), "we");
    if (raw == nullptr)
    {
        log::server_warn("cannot open record file " + path + ": " + std::strerror(errno));
        return nullptr;
    }
    std::shared_ptr<std::FILE> file(raw, [](std::FILE* f) { std::fclose(f); });
    enqueue(file, std::string(record::file_header), false);
    return std::make_unique<session_recording>(*this, std::move(file), path);
}

bool record_writer::enqueue(const std::shared_ptr<std::FILE>& file, std::string text,
                            bool close_after)
{
    {
        const std::lock_guard lock(mutex_);
        // The footer may exceed the bound by its few bytes: it must always get in.
        if (!close_after && queued_bytes_ + text.size() > max_queued_bytes_)
        {
            return false;
        }
        queued_bytes_ += text.size();
        jobs_.push_back(job{file, std::move(text), close_after});
    }
    wake_.notify_one();
    return true;
}

void record_writer::run()
{
    std::unique_lock lock(mutex_);
    for (;;)
    {
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty())
        {
            return; // stopping, and everything is written
        }
        auto next = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        std::fwrite(next.text.data(), 1, next.text.size(), next.file.get());
        if (next.close_after)
        {
            std::fflush(next.file.get());
        }
        next.file.reset(); // the last reference closes the file
        lock.lock();
        queued_bytes_ -= next.text.size();
    }
}

} // namespace websockify::recording
