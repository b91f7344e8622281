# Every dependency comes from a Debian package; nothing is downloaded at build time.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
# Token stores: libcurl (BaseTokenAPI, JSONTokenApi), hiredis (TokenRedis; Debian ships only a
# pkg-config file for it) and nlohmann-json (JWT claims, JSON answers).
find_package(CURL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
find_package(nlohmann_json 3 REQUIRED)
# systemd socket activation (LISTEN_FDS) and sd_notify.
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# permessage-deflate (RFC 7692, --compress).
find_package(ZLIB REQUIRED)

# Debian's standalone Asio ships no CMake package, so we describe it ourselves.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(websockify_asio INTERFACE)
add_library(websockify::asio ALIAS websockify_asio)
target_include_directories(websockify_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# ASIO_HAS_*: clang 14 with libstdc++ finds no coroutine support in Asio 1.22 without them.
# ASIO_DISABLE_STD_ALIGNED_ALLOC: Asio 1.22 decides between aligned_alloc and operator new by
# whether a libstdc++ header was included before its config, so two translation units could
# allocate a coroutine frame one way and free it the other (AddressSanitizer caught it).
target_compile_definitions(websockify_asio INTERFACE
    ASIO_STANDALONE ASIO_NO_DEPRECATED ASIO_SEPARATE_COMPILATION
    ASIO_HAS_CO_AWAIT=1 ASIO_HAS_STD_COROUTINE=1 ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(websockify_asio INTERFACE Threads::Threads OpenSSL::SSL OpenSSL::Crypto)
