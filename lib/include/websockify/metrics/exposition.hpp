#pragma once

#include "websockify/metrics/registry.hpp"

#include <string>
#include <string_view>

namespace websockify::metrics
{

/// The Content-Type of render_text's output.
inline constexpr std::string_view exposition_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

/// Every metric of `r` in the Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE`
/// lines, then one sample per line; histograms as cumulative `_bucket{le=...}`, `_sum`, `_count`.
std::string render_text(const registry& r);

/// A label value escaped for the exposition: `\` -> `\\`, `"` -> `\"`, newline -> `\n`.
std::string escape_label_value(std::string_view value);

/// HELP text escaped: `\` -> `\\`, newline -> `\n` (quotes stay as they are).
std::string escape_help(std::string_view text);

/// A float sample or bucket bound: shortest round-trip form ("0.005", "1", "1e-06"), and
/// "+Inf", "-Inf", "NaN" as the format spells them.
std::string format_float(double value);

} // namespace websockify::metrics
