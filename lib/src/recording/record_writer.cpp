#include "websockify/recording/record_writer.hpp"

#include "websockify/log/log.hpp"
#include "websockify/record/record_name.hpp"

#include <cerrno>
#include <cstring>

namespace websockify::recording
{

session_recording::session_recording(record_writer& writer, std::shared_ptr<std::FILE> file,
                                     std::string path, file_policy policy)
    : writer_(writer), file_(std::move(file)), first_path_(path), path_(std::move(path)),
      policy_(policy), file_bytes_(record::file_header.size())
{
}

session_recording::~session_recording()
{
    // The footer is queued even when data was dropped (enqueue always takes it), so the file
    // always ends as valid JavaScript.
    writer_.enqueue(file_, std::string(record::file_footer), record_writer::piece::footer);
}

void session_recording::add(record::direction way, std::span<const std::byte> bytes)
{
    const auto ms =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - started_)
                                       .count());
    while (complete_ && !bytes.empty())
    {
        // Under a size limit, bytes that do not fit go to further entries with the same time:
        // playback sees a byte stream, so where an entry ends does not matter to it.
        const auto take =
            policy_.max_size == 0 ? bytes.size() : record::fitting_prefix(bytes, room_for(ms));
        if (take == 0)
        {
            make_room();
            continue;
        }
        auto entry = record::format_entry(way, ms, bytes.first(take));
        const auto size = entry.size();
        if (!writer_.enqueue(file_, std::move(entry), record_writer::piece::entry))
        {
            stop_recording("recording " + path_ +
                           " is incomplete: the disk cannot keep up, later data is not recorded");
            return;
        }
        file_bytes_ += size;
        ++file_entries_;
        bytes = bytes.subspan(take);
    }
}

std::size_t session_recording::room_for(std::uint64_t ms) const noexcept
{
    const auto reserved = file_bytes_ + record::file_footer.size() + record::entry_overhead(ms);
    return reserved >= policy_.max_size ? 0 : static_cast<std::size_t>(policy_.max_size - reserved);
}

void session_recording::make_room()
{
    if (!policy_.rotate)
    {
        stop_recording("recording " + path_ + " reached --record-max-size (" +
                       std::to_string(policy_.max_size) +
                       " bytes): the rest of the session is not recorded");
        return;
    }
    if (file_entries_ == 0)
    {
        // A fresh part with no room: only a limit below the fixed overhead does that, and
        // rotating again would not help.
        stop_recording("recording " + path_ + ": --record-max-size is too small for any data");
        return;
    }
    start_next_part();
}

bool session_recording::start_next_part()
{
    auto next = record::with_suffix(first_path_, ".part" + std::to_string(part_ + 1));
    auto file = writer_.create(next, policy_.keep_existing);
    if (!file)
    {
        complete_ = false; // create() said why
        return false;
    }
    writer_.enqueue(file_, std::string(record::file_footer), record_writer::piece::footer);
    log::server_info("recording " + path_ + " reached --record-max-size; it goes on in " + next);
    file_ = std::move(file);
    path_ = std::move(next);
    ++part_;
    file_bytes_ = record::file_header.size();
    file_entries_ = 0;
    return true;
}

void session_recording::stop_recording(const std::string& why)
{
    complete_ = false;
    log::server_warn(why);
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

std::unique_ptr<session_recording> record_writer::open(const std::string& path, file_policy policy)
{
    auto created = path;
    auto file = create(created, policy.keep_existing);
    if (!file)
    {
        return nullptr;
    }
    return std::make_unique<session_recording>(*this, std::move(file), std::move(created), policy);
}

std::shared_ptr<std::FILE> record_writer::create(std::string& path, bool keep_existing)
{
    // Enough names to step around every earlier recording of a long-lived token.
    constexpr unsigned max_attempts = 10'000;
    const auto wanted = path;
    std::FILE* raw = nullptr;
    for (unsigned attempt = 1; raw == nullptr && attempt <= max_attempts; ++attempt)
    {
        if (attempt > 1)
        {
            path = record::with_suffix(wanted, "-" + std::to_string(attempt));
        }
        // "x": O_EXCL, so an existing recording is never truncated; "e": O_CLOEXEC, so a
        // wrapped program never inherits it.
        raw = std::fopen(path.c_str(), keep_existing ? "wxe" : "we");
        if (raw == nullptr && !(keep_existing && errno == EEXIST))
        {
            break;
        }
    }
    if (raw == nullptr)
    {
        log::server_warn("cannot open record file " + path + ": " + std::strerror(errno));
        return nullptr;
    }
    std::shared_ptr<std::FILE> file(raw, [](std::FILE* f) { std::fclose(f); });
    enqueue(file, std::string(record::file_header), piece::header);
    return file;
}

bool record_writer::enqueue(const std::shared_ptr<std::FILE>& file, std::string text, piece kind)
{
    const bool close_after = kind == piece::footer;
    {
        const std::lock_guard lock(mutex_);
        if (kind == piece::entry && queued_bytes_ + text.size() > max_queued_bytes_)
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
