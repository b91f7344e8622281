# Warnings live on an interface target linked PRIVATE to our own targets only, so that
# system headers (Asio, spdlog) are never judged by them.
add_library(websockify_warnings INTERFACE)
target_compile_options(websockify_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
        -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2>
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wformat=2>
    $<$<BOOL:${WEBSOCKIFY_WERROR}>:-Werror>)
