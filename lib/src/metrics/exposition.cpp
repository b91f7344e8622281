#include "websockify/metrics/exposition.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <type_traits>

namespace websockify::metrics
{
namespace
{

// Exposition lines, as in https://prometheus.io/docs/instrumenting/exposition_formats/:
//
//   # HELP name escaped help text
//   # TYPE name counter|gauge|histogram
//   name{label="value",...} 42
//   name_bucket{label="value",le="0.5"} 3      (histograms: cumulative, then le="+Inf")
//   name_sum{label="value"} 1.25
//   name_count{label="value"} 3

/// `{a="x",b="y"}`, or "" without labels; `extra` is appended as one more label (le=).
std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values, std::string_view extra = {})
{
    if (names.empty() && extra.empty())
    {
        return {};
    }
    std::string text = "{";
    for (std::size_t i = 0; i < names.size(); ++i)
    {
        text += (i == 0 ? "" : ",") + names[i] + "=\"" + escape_label_value(values[i]) + "\"";
    }
    if (!extra.empty())
    {
        text += (names.empty() ? "" : ",") + std::string(extra);
    }
    return text + "}";
}

void append_sample(std::string& out, std::string_view name, const std::string& labels,
                   std::string_view value)
{
    out.append(name).append(labels).append(" ").append(value).append("\n");
}

std::string_view type_name(const registry::entry& e)
{
    static constexpr std::array<std::string_view, 3> names{"counter", "gauge", "histogram"};
    return names.at(e.members.index());
}

void render_members(std::string& out, const std::string& name, const family<counter>& members)
{
    members.for_each(
        [&](const std::vector<std::string>& values, const counter& c)
        {
            append_sample(out, name, label_text(members.label_names(), values),
                          std::to_string(c.value()));
        });
}

void render_members(std::string& out, const std::string& name, const family<gauge>& members)
{
    members.for_each(
        [&](const std::vector<std::string>& values, const gauge& g)
        {
            append_sample(out, name, label_text(members.label_names(), values),
                          std::to_string(g.value()));
        });
}

void render_members(std::string& out, const std::string& name, const family<histogram>& members)
{
    const auto& labels = members.label_names();
    members.for_each(
        [&](const std::vector<std::string>& values, const histogram& h)
        {
            const auto snapshot = h.read();
            const auto& bounds = h.upper_bounds();
            for (std::size_t i = 0; i < snapshot.cumulative_counts.size(); ++i)
            {
                const auto le = i < bounds.size() ? format_float(bounds[i]) : "+Inf";
                append_sample(out, name + "_bucket",
                              label_text(labels, values, "le=\"" + le + "\""),
                              std::to_string(snapshot.cumulative_counts[i]));
            }
            append_sample(out, name + "_sum", label_text(labels, values),
                          format_float(snapshot.sum));
            append_sample(out, name + "_count", label_text(labels, values),
                          std::to_string(snapshot.count));
        });
}

} // namespace

std::string escape_label_value(std::string_view value)
{
    std::string escaped;
    escaped.reserve(value.size());
    for (const char c : value)
    {
        switch (c)
        {
        case '\\':
            escaped += "\\\\";
            break;
        case '"':
            escaped += "\\\"";
            break;
        case '\n':
            escaped += "\\n";
            break;
        default:
            escaped += c;
        }
    }
    return escaped;
}

std::string escape_help(std::string_view text)
{
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text)
    {
        if (c == '\\')
        {
            escaped += "\\\\";
        }
        else if (c == '\n')
        {
            escaped += "\\n";
        }
        else
        {
            escaped += c;
        }
    }
    return escaped;
}

std::string format_float(double value)
{
    if (std::isnan(value))
    {
        return "NaN";
    }
    if (std::isinf(value))
    {
        return value > 0 ? "+Inf" : "-Inf";
    }
    std::array<char, 32> text{};
    const auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), value);
    return {text.data(), end};
}

std::string render_text(const registry& r)
{
    std::string out;
    for (const auto& e : r.entries())
    {
        out += "# HELP " + e.name + " " + escape_help(e.help) + "\n";
        out += "# TYPE " + e.name + " " + std::string(type_name(e)) + "\n";
        std::visit([&](const auto& members) { render_members(out, e.name, *members); }, e.members);
    }
    return out;
}

} // namespace websockify::metrics
