#include "websockify/web/http_date.hpp"

#include <array>
#include <cstddef>

namespace websockify::web
{
namespace
{

using namespace std::chrono;

constexpr std::array<std::string_view, 7> short_days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_days{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void append_digits(std::string& out, long long value, int width)
{
    std::array<char, 8> digits{};
    for (int i = width - 1; i >= 0; --i)
    {
        digits.at(static_cast<std::size_t>(i)) = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(digits.data(), static_cast<std::size_t>(width));
}

constexpr char lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequal(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (lower(a[i]) != lower(b[i]))
        {
            return false;
        }
    }
    return true;
}

/// Reads the grammar of RFC 9110 §5.6.7 left to right; every step fails softly.
class date_reader
{
public:
    explicit date_reader(std::string_view text) noexcept : text_(text) {}

    bool at_end() const noexcept { return text_.empty(); }

    bool literal(std::string_view expected) noexcept
    {
        if (!text_.starts_with(expected))
        {
            return false;
        }
        text_.remove_prefix(expected.size());
        return true;
    }

    /// Exactly `count` digits.
    std::optional<int> digits(std::size_t count) noexcept
    {
        if (text_.size() < count)
        {
            return std::nullopt;
        }
        int value = 0;
        for (std::size_t i = 0; i < count; ++i)
        {
            const char c = text_[i];
            if (c < '0' || c > '9')
            {
                return std::nullopt;
            }
            value = value * 10 + (c - '0');
        }
        text_.remove_prefix(count);
        return value;
    }

    /// One of `names`, ASCII case-insensitive; its index.
    template <std::size_t N>
    std::optional<unsigned> name(const std::array<std::string_view, N>& names) noexcept
    {
        for (std::size_t i = 0; i < N; ++i)
        {
            if (iequal(text_.substr(0, names.at(i).size()), names.at(i)))
            {
                text_.remove_prefix(names.at(i).size());
                return static_cast<unsigned>(i);
            }
        }
        return std::nullopt;
    }

    /// time-of-day = hour ":" minute ":" second; second 60 allows a leap second.
    std::optional<seconds> time_of_day() noexcept
    {
        const auto h = digits(2);
        if (!h || !literal(":"))
        {
            return std::nullopt;
        }
        const auto m = digits(2);
        if (!m || !literal(":"))
        {
            return std::nullopt;
        }
        const auto s = digits(2);
        if (!s || *h > 23 || *m > 59 || *s > 60)
        {
            return std::nullopt;
        }
        return hours{*h} + minutes{*m} + seconds{*s};
    }

    /// "GMT" and nothing after it.
    bool gmt() noexcept
    {
        if (!iequal(text_, "GMT"))
        {
            return false;
        }
        text_ = {};
        return true;
    }

private:
    std::string_view text_;
};

std::optional<sys_seconds> make_time(int y, unsigned month_index, int d, seconds time_of_day)
{
    const year_month_day date{year{y}, month{month_index + 1}, day{static_cast<unsigned>(d)}};
    if (!date.ok())
    {
        return std::nullopt;
    }
    return sys_days{date} + time_of_day;
}

/// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<sys_seconds> parse_imf_fixdate(std::string_view text)
{
    date_reader r(text);
    if (!r.name(short_days) || !r.literal(", "))
    {
        return std::nullopt;
    }
    const auto d = r.digits(2);
    if (!d || !r.literal(" "))
    {
        return std::nullopt;
    }
    const auto m = r.name(months);
    if (!m || !r.literal(" "))
    {
        return std::nullopt;
    }
    const auto y = r.digits(4);
    if (!y || !r.literal(" "))
    {
        return std::nullopt;
    }
    const auto t = r.time_of_day();
    if (!t || !r.literal(" ") || !r.gmt())
    {
        return std::nullopt;
    }
    return make_time(*y, *m, *d, *t);
}

/// RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT".
std::optional<sys_seconds> parse_rfc850_date(std::string_view text)
{
    date_reader r(text);
    if (!r.name(long_days) || !r.literal(", "))
    {
        return std::nullopt;
    }
    const auto d = r.digits(2);
    if (!d || !r.literal("-"))
    {
        return std::nullopt;
    }
    const auto m = r.name(months);
    if (!m || !r.literal("-"))
    {
        return std::nullopt;
    }
    const auto yy = r.digits(2);
    if (!yy || !r.literal(" "))
    {
        return std::nullopt;
    }
    const auto t = r.time_of_day();
    if (!t || !r.literal(" ") || !r.gmt())
    {
        return std::nullopt;
    }
    // Two-digit years as Python's email.utils reads them: 69-99 are 19xx, 00-68 are 20xx.
    const int y = *yy > 68 ? 1900 + *yy : 2000 + *yy;
    return make_time(y, *m, *d, *t);
}

/// asctime: "Sun Nov  6 08:49:37 1994" (a one-digit day is padded with a space).
std::optional<sys_seconds> parse_asctime_date(std::string_view text)
{
    date_reader r(text);
    if (!r.name(short_days) || !r.literal(" "))
    {
        return std::nullopt;
    }
    const auto m = r.name(months);
    if (!m || !r.literal(" "))
    {
        return std::nullopt;
    }
    std::optional<int> d;
    if (r.literal(" "))
    {
        d = r.digits(1);
    }
    else
    {
        d = r.digits(2);
    }
    if (!d || !r.literal(" "))
    {
        return std::nullopt;
    }
    const auto t = r.time_of_day();
    if (!t || !r.literal(" "))
    {
        return std::nullopt;
    }
    const auto y = r.digits(4);
    if (!y || !r.at_end())
    {
        return std::nullopt;
    }
    return make_time(*y, *m, *d, *t);
}

} // namespace

std::string format_http_date(sys_seconds time)
{
    constexpr auto earliest = sys_days{year{1} / January / 1};
    constexpr auto latest =
        sys_days{year{9999} / December / 31} + hours{23} + minutes{59} + seconds{59};
    if (time < earliest)
    {
        time = earliest;
    }
    if (time > latest)
    {
        time = latest;
    }
    const auto midnight = floor<days>(time);
    const year_month_day date{midnight};
    const hh_mm_ss clock{time - midnight};

    std::string out;
    out.reserve(29);
    out += short_days.at(weekday{midnight}.c_encoding());
    out += ", ";
    append_digits(out, static_cast<unsigned>(date.day()), 2);
    out += ' ';
    out += months.at(static_cast<unsigned>(date.month()) - 1);
    out += ' ';
    append_digits(out, static_cast<int>(date.year()), 4);
    out += ' ';
    append_digits(out, clock.hours().count(), 2);
    out += ':';
    append_digits(out, clock.minutes().count(), 2);
    out += ':';
    append_digits(out, clock.seconds().count(), 2);
    out += " GMT";
    return out;
}

std::optional<sys_seconds> parse_http_date(std::string_view text) noexcept
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    {
        text.remove_suffix(1);
    }
    // The comma tells the formats apart: after a three-letter day name in IMF-fixdate, after a
    // full day name in RFC 850, absent in asctime.
    const auto comma = text.find(',');
    if (comma == 3)
    {
        return parse_imf_fixdate(text);
    }
    if (comma != std::string_view::npos)
    {
        return parse_rfc850_date(text);
    }
    return parse_asctime_date(text);
}

} // namespace websockify::web
