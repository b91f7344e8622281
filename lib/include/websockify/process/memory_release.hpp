#pragma once

#include <cstddef>

namespace websockify::process
{

/// Gives freed heap memory back to the system after a crowd of connections has left.
///
/// Each session holds relay buffers; after a burst of a thousand sessions the allocator keeps
/// most of the freed pages (they are not at the top of the heap), so the RSS of an idle proxy
/// would stay at its peak. Trimming costs a walk over the heap, so it runs only when the number
/// of live connections has fallen to a quarter of its high point since the last trim.
class memory_release
{
public:
    /// Connections counted before a fall is worth a trim (a few sessions' buffers are noise).
    static constexpr std::size_t worthwhile_high_point = 32;

    /// Call after every change of the live connection count.
    void live_connections(std::size_t live);

    std::size_t trims() const noexcept { return trims_; }

private:
    std::size_t high_point_ = 0;
    std::size_t trims_ = 0;
};

/// Returns freed heap pages to the system now (glibc's malloc_trim; nothing elsewhere).
void release_freed_heap();

} // namespace websockify::process
