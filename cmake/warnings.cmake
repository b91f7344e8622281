# Warnings live on an interface target linked PRIVATE to our own targets only, so that
# system headers (Asio, spdlog) are never judged by them.
add_library(websockify_warnings INTERFACE)
target_compile_options(websockify_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
        -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2>
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wformat=2>
    $<$<BOOL:${WEBSOCKIFY_WERROR}>:-Werror>)

# gcc 12 at -O1 and above flags Asio's awaitable frame allocator (its class-specific
# operator new/delete pair) as mismatched: a known false positive.
target_compile_options(websockify_warnings INTERFACE
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wno-mismatched-new-delete>)
