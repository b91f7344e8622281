// Asio is built in separate-compilation mode: its implementation is compiled once, here,
// instead of in every translation unit that includes an Asio header.
#include <asio/impl/src.hpp>
#include <asio/ssl/impl/src.hpp>
