#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench
{

/// One flat JSON object, written as one line: the result of one run.
class report
{
public:
    void add(std::string_view key, std::string_view value);
    void add(std::string_view key, const char* value) { add(key, std::string_view(value)); }
    void add(std::string_view key, bool value);
    void add(std::string_view key, double value);
    void add(std::string_view key, std::uint64_t value);
    void add(std::string_view key, std::int64_t value);
    void add(std::string_view key, int value) { add(key, std::int64_t{value}); }

    /// True when `key` was added with the value true.
    bool is_true(std::string_view key) const;

    /// The object as a single line of JSON, e.g. {"mode":"upload","ok":true}.
    std::string to_json() const;

private:
    void add_raw(std::string_view key, std::string json_value);
    std::vector<std::pair<std::string, std::string>> fields_;
};

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

} // namespace bench
