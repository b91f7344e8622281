#include "websockify/tls/client_certificate.hpp"

#include <array>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace websockify::tls
{

std::optional<std::string> verified_client_cn(net::tls_stream& stream)
{
    SSL* ssl = stream.native_handle();
    const X509* certificate = SSL_get0_peer_certificate(ssl);
    if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK)
    {
        return std::nullopt;
    }
    const X509_NAME* subject = X509_get_subject_name(certificate);
    const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (index < 0)
    {
        return std::nullopt;
    }
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length < 0)
    {
        return std::nullopt;
    }
    std::string common_name(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return common_name;
}

} // namespace websockify::tls
