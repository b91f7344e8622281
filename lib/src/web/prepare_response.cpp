#include "websockify/web/prepare_response.hpp"

#include "websockify/http/response.hpp"
#include "websockify/web/directory_listing.hpp"
#include "websockify/web/error.hpp"
#include "websockify/web/http_date.hpp"
#include "websockify/web/mime_type.hpp"
#include "websockify/web/resolve_target.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace websockify::web
{
namespace
{

namespace fs = std::filesystem;
using std::chrono::sys_seconds;

/// HEAD gets the headers GET would get, Content-Length included, and no content
/// (RFC 9110 §9.3.2).
std::string strip_body(std::string message)
{
    if (const auto end = message.find("\r\n\r\n"); end != std::string::npos)
    {
        message.resize(end + 4);
    }
    return message;
}

prepared_response error_answer(int status, std::string_view message, bool head_only,
                               const std::vector<http::header_field>& extra)
{
    prepared_response out;
    out.status = status;
    out.head = http::format_error_response(status, message, extra);
    if (head_only)
    {
        out.head = strip_body(std::move(out.head));
    }
    return out;
}

prepared_response error_answer(std::error_code why, bool head_only, sys_seconds now)
{
    return error_answer(status_for(why), why.message(), head_only,
                        {{"Date", format_http_date(now)}});
}

prepared_response method_not_allowed(sys_seconds now)
{
    return error_answer(405, make_error_code(error::method_not_allowed).message(), false,
                        {{"Allow", "GET, HEAD"}, {"Date", format_http_date(now)}});
}

prepared_response redirect(const std::string& location, bool head_only, sys_seconds now)
{
    return error_answer(301, "the directory is at " + location, head_only,
                        {{"Location", location}, {"Date", format_http_date(now)}});
}

prepared_response listing(const resolved_target& where, bool head_only, sys_seconds now)
{
    auto entries = read_directory(where.path);
    if (!entries)
    {
        return error_answer(entries.error(), head_only, now);
    }
    http::response r;
    r.status = 200;
    r.headers = {{"Content-Type", "text/html; charset=utf-8"},
                 {"Date", format_http_date(now)},
                 {"Connection", "close"}};
    r.body = render_directory_listing(where.display_path, std::move(*entries));
    prepared_response out;
    out.head = http::format_response(r);
    if (head_only)
    {
        out.head = strip_body(std::move(out.head));
    }
    return out;
}

/// RFC 9110 §13.1.4: 304 when the file has not changed since the client's copy. Ignored when
/// If-None-Match is present (§13.1.3), which cannot match as we send no ETag.
bool not_modified_since(const http::request_head& request, sys_seconds modified)
{
    if (request.find("If-None-Match"))
    {
        return false;
    }
    const auto header = request.find("If-Modified-Since");
    if (!header)
    {
        return false;
    }
    const auto since = parse_http_date(*header);
    return since && modified <= *since;
}

/// RFC 9110 §13.1.5: a Range is honoured under If-Range only if its validator still matches;
/// ours is a date, equal to Last-Modified. An entity tag never matches (we send none).
bool if_range_holds(const http::request_head& request, sys_seconds modified)
{
    const auto header = request.find("If-Range");
    if (!header)
    {
        return true;
    }
    const auto date = parse_http_date(*header);
    return date && *date == modified;
}

range_request requested_range(const http::request_head& request, bool head_only, std::uint64_t size,
                              sys_seconds modified)
{
    // §14.2: Range applies to GET only; two Range fields are as malformed as two ranges.
    if (head_only || request.count("Range") != 1 || !if_range_holds(request, modified))
    {
        return {};
    }
    return parse_range(*request.find("Range"), size);
}

prepared_response file_answer(const http::request_head& request, const fs::path& path,
                              bool head_only, sys_seconds now)
{
    auto file = file_source::open(path);
    if (!file)
    {
        return error_answer(file.error(), head_only, now);
    }
    const auto size = file->size();
    // §8.8.2.1: a Last-Modified later than the Date is sent as the Date.
    const auto modified = std::min(file->last_modified(), now);
    const auto last_modified = format_http_date(modified);

    if (not_modified_since(request, modified))
    {
        prepared_response out;
        out.status = 304;
        out.head = http::format_response({304,
                                          {{"Last-Modified", last_modified},
                                           {"Date", format_http_date(now)},
                                           {"Connection", "close"}},
                                          {}});
        return out;
    }

    const auto range = requested_range(request, head_only, size, modified);
    if (range.what == range_request::kind::unsatisfiable)
    {
        return error_answer(
            416, "the requested range is outside the file", head_only,
            {{"Content-Range", format_unsatisfied_range(size)}, {"Date", format_http_date(now)}});
    }
    const bool partial = range.what == range_request::kind::partial;
    const auto body = partial ? range.range : byte_range{0, size == 0 ? 0 : size - 1};
    const auto length = size == 0 ? 0 : body.length();

    http::response r;
    r.status = partial ? 206 : 200;
    r.headers.push_back({"Content-Type", std::string(mime_type(path.filename().string()))});
    r.headers.push_back({"Content-Length", std::to_string(length)});
    if (partial)
    {
        r.headers.push_back({"Content-Range", format_content_range(body, size)});
    }
    r.headers.push_back({"Last-Modified", last_modified});
    r.headers.push_back({"Accept-Ranges", "bytes"});
    r.headers.push_back({"Date", format_http_date(now)});
    r.headers.push_back({"Connection", "close"});

    prepared_response out;
    out.status = r.status;
    out.head = http::format_response(r);
    if (!head_only && length > 0)
    {
        out.file = std::move(*file);
        out.body = body;
    }
    return out;
}

} // namespace

prepared_response prepare_response(const http::request_head& request, const options& opts,
                                   sys_seconds now)
{
    // Methods are case-sensitive (RFC 9110 §9.1).
    const bool head_only = request.method == "HEAD";
    if (!head_only && request.method != "GET")
    {
        return method_not_allowed(now);
    }
    auto where = resolve_target(opts.root, request.target, opts.file_only);
    if (!where)
    {
        return error_answer(where.error(), head_only, now);
    }
    switch (where->what)
    {
    case resolved_target::kind::redirect:
        return redirect(where->location, head_only, now);
    case resolved_target::kind::listing:
        return listing(*where, head_only, now);
    case resolved_target::kind::file:
        break;
    }
    return file_answer(request, where->path, head_only, now);
}

} // namespace websockify::web
