#include "websockify/http/quoted_list.hpp"

namespace websockify::http
{

std::vector<std::string_view> split_outside_quotes(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        const char c = text[i];
        if (quoted && c == '\\')
        {
            ++i;
        }
        else if (c == '"')
        {
            quoted = !quoted;
        }
        else if (!quoted && c == separator)
        {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(text.substr(start));
    return parts;
}

} // namespace websockify::http
