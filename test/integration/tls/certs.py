"""Certificates made for one test run with the `openssl` command line: a CA, a server
certificate for localhost/127.0.0.1 signed by it, and a client certificate signed by it."""

import os
import subprocess
import tempfile


def _openssl(*args, cwd):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed:\n{result.stderr}")


class TestPki:
    """Files: ca.pem, ca.key, server.pem (chain), server.key, client.pem, client.key,
    combined.pem (server certificate and key in one file, Python websockify's usual form)."""

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="websockify-tls-")
        self.dir = self._dir.name
        d = self.dir
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                 "-subj", "/CN=websockify test CA", cwd=d)
        self._issue("server", "/CN=localhost",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1")
        self._issue("client", "/CN=test-client", "extendedKeyUsage=clientAuth")
        with open(os.path.join(d, "combined.pem"), "w") as out:
            for name in ("server.pem", "server.key"):
                with open(os.path.join(d, name)) as part:
                    out.write(part.read())

    def _issue(self, name, subject, extension):
        d = self.dir
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject, cwd=d)
        with open(os.path.join(d, f"{name}.ext"), "w") as ext:
            ext.write(extension + "\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2",
                 "-extfile", f"{name}.ext", cwd=d)

    def path(self, name):
        return os.path.join(self.dir, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._dir.cleanup()
