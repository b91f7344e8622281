#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into fuzz/corpus/<target>/.

The seeds are checked in; this script documents where they come from and rebuilds them. The
curl, Python (websockets 10.4, websocket-client) and Node ws requests were captured from those
clients on Debian 12; the Chrome, Firefox and noVNC ones are written after what those browsers
send. Frames are encoded here, following RFC 6455 section 5.2.

    fuzz/make_seed_corpus.py    # from anywhere; rewrites only the files it names
"""
import base64
import pathlib
import struct

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"


def write(target, name, data):
    path = CORPUS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("latin-1"))


def head(lines, terminator="\r\n"):
    return "".join(line + terminator for line in lines) + terminator


# --- request heads ------------------------------------------------------------------------------

CAPTURED = {
    "curl": [
        "GET /websockify HTTP/1.1", "Host: localhost:6080", "User-Agent: curl/7.88.1",
        "Accept: */*", "Connection: Upgrade", "Upgrade: websocket",
        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: SGVsbG8sIHdvcmxkIQ==",
    ],
    "node-ws": [
        "GET /websockify HTTP/1.1", "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: HfRC6ff0VW6TY8KFvinSBg==", "Connection: Upgrade",
        "Upgrade: websocket",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        "Sec-WebSocket-Protocol: binary", "Host: localhost:6080",
    ],
    "python-websocket-client": [
        "GET / HTTP/1.1", "Upgrade: websocket", "Host: localhost:6080",
        "Origin: http://localhost:6080", "Sec-WebSocket-Key: CrGikuu9ikhvKo3YpEYbWg==",
        "Sec-WebSocket-Version: 13", "Connection: Upgrade",
    ],
    "python-websockets": [
        "GET /websockify?token=abc HTTP/1.1", "Host: localhost:6080", "Upgrade: websocket",
        "Connection: Upgrade", "Sec-WebSocket-Key: hYTFmaKwwmQ45Z6T36Kp8g==",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        "Sec-WebSocket-Protocol: binary, base64", "User-Agent: Python/3.11 websockets/10.4",
    ],
    "chrome-novnc": [
        "GET /websockify HTTP/1.1", "Host: localhost:6080", "Connection: Upgrade",
        "Pragma: no-cache", "Cache-Control: no-cache",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "Upgrade: websocket", "Origin: http://localhost:6080", "Sec-WebSocket-Version: 13",
        "Accept-Encoding: gzip, deflate, br", "Accept-Language: en-US,en;q=0.9",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        "Sec-WebSocket-Protocol: binary",
    ],
    "firefox-novnc": [
        "GET /websockify HTTP/1.1", "Host: localhost:6080",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Accept: */*", "Accept-Language: en-US,en;q=0.5", "Accept-Encoding: gzip, deflate, br",
        "Sec-WebSocket-Version: 13", "Origin: http://localhost:6080",
        "Sec-WebSocket-Protocol: binary", "Sec-WebSocket-Extensions: permessage-deflate",
        "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Connection: keep-alive, Upgrade",
        "Sec-Fetch-Dest: empty", "Sec-Fetch-Mode: websocket", "Sec-Fetch-Site: same-origin",
        "Pragma: no-cache", "Cache-Control: no-cache", "Upgrade: websocket",
    ],
    "old-novnc-base64-token": [
        "GET /websockify?token=vnc1&x=%20+y HTTP/1.1", "Host: example.org:6080",
        "Upgrade: WebSocket", "Connection: Upgrade", "Origin: https://example.org",
        "Sec-WebSocket-Protocol: base64, binary", "Sec-WebSocket-Version: 8",
        "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==",
    ],
}

# draft-hixie-thewebsocketprotocol-76 section 1.3's example; key3 follows the head.
HIXIE76 = head([
    "GET /demo HTTP/1.1", "Host: example.com", "Connection: Upgrade",
    "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00", "Sec-WebSocket-Protocol: sample",
    "Upgrade: WebSocket", "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5",
    "Origin: http://example.com",
]) + "^n:ds[4U"
HIXIE75 = head([
    "GET /websockify HTTP/1.1", "Upgrade: WebSocket", "Connection: Upgrade",
    "Host: localhost:6080", "Origin: http://localhost:6080", "WebSocket-Protocol: base64",
])

VALID = head(CAPTURED["curl"])
BROKEN = {
    "post.http": VALID.replace("GET", "POST", 1),
    "http10.http": VALID.replace("HTTP/1.1", "HTTP/1.0", 1),
    "http2-version.http": VALID.replace("HTTP/1.1", "HTTP/2.0", 1),
    "version-12.http": VALID.replace("Version: 13", "Version: 12"),
    "no-key.http": head([l for l in CAPTURED["curl"] if "Key" not in l]),
    "short-key.http": VALID.replace("SGVsbG8sIHdvcmxkIQ==", "c2hvcnQ="),
    "duplicate-key.http": VALID.replace("\r\n\r\n", "\r\nSec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n\r\n"),
    "split-upgrade-lines.http": VALID.replace("Connection: Upgrade", "Connection: keep-alive\r\nConnection: upgrade"),
    "obs-fold.http": VALID.replace("Accept: */*", "Accept: */*\r\n  folded"),
    "space-before-colon.http": VALID.replace("Accept: */*", "Accept : */*"),
    "bare-lf.http": head(CAPTURED["curl"], "\n"),
    "leading-empty-lines.http": "\r\n\n" + VALID,
    "tab-in-value.http": VALID.replace("Accept: */*", "Accept:\t*/*\t"),
    "nul-in-value.http": VALID.replace("Accept: */*", "Accept: *\0/*"),
    "double-space-request-line.http": VALID.replace("GET ", "GET  ", 1),
    "absolute-form.http": VALID.replace("/websockify", "http://localhost:6080/websockify?token=a", 1),
    "no-upgrade.http": head(["GET /index.html HTTP/1.1", "Host: localhost:6080"]),
    "truncated.http": VALID[:60],
    "flash-policy.bin": "<policy-file-request/>\0",
    "tls-client-hello.bin": b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".decode("latin-1"),
}

for target in ("request_head", "handshake"):
    for name, lines in CAPTURED.items():
        write(target, name + ".http", head(lines))
    write(target, "hixie76-draft-example.http", HIXIE76)
    write(target, "hixie75.http", HIXIE75)
    for name, text in BROKEN.items():
        write(target, name, text)
write("handshake", "hixie76-key-not-multiple.http",
      HIXIE76.replace("12998 5 Y3 1  .P00", "12998 5 Y3 1  .P01"))
write("handshake", "hixie76-key-too-large.http",
      HIXIE76.replace("12998 5 Y3 1  .P00", "99999999999 1"))
write("handshake", "hixie76-only-key1.http",
      HIXIE76.replace("Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n", ""))
write("handshake", "hixie-with-version.http",
      HIXIE75.replace("\r\n\r\n", "\r\nSec-WebSocket-Version: 13\r\n\r\n"))


# --- RFC 6455 frames ----------------------------------------------------------------------------
# A frame_decoder seed is: options byte, split byte, then the stream.
# Options: bit 0 require_mask, bit 1 validate UTF-8, bits 2-4 max_message_size, bit 7 generated.

MASK = bytes([0x37, 0xFA, 0x21, 0x3D])
SERVER_LIKE = 0x03  # require_mask + validate UTF-8


def frame(opcode, payload, fin=True, mask=MASK, rsv=0, length_form=None):
    first = (0x80 if fin else 0) | rsv | opcode
    size = len(payload)
    form = length_form or ("7" if size < 126 else "16" if size < 65536 else "64")
    masked = 0x80 if mask else 0
    if form == "7":
        header = bytes([first, masked | size])
    elif form == "16":
        header = bytes([first, masked | 126]) + struct.pack(">H", size)
    else:
        header = bytes([first, masked | 127]) + struct.pack(">Q", size)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        header += mask
    return header + payload


def frames_seed(name, stream, options=SERVER_LIKE, split=0):
    write("frame_decoder", name, bytes([options, split]) + stream)


close_1000 = struct.pack(">H", 1000) + b"Target closed"
frames_seed("text-hello-masked", frame(0x1, b"Hello"))
frames_seed("text-hello-unmasked", frame(0x1, b"Hello", mask=None), options=0x02)
frames_seed("text-hello-unmasked-refused", frame(0x1, b"Hello", mask=None))
frames_seed("binary-empty", frame(0x2, b""))
frames_seed("binary-16bit-length", frame(0x2, bytes(range(256)) * 2), split=7)
frames_seed("binary-64bit-length-short-payload", frame(0x2, b"x" * 40, length_form="64"))
frames_seed("binary-64bit-top-bit-set", bytes([0x82, 0xFF, 0x80]) + bytes(7) + MASK)
frames_seed("binary-over-max-size", frame(0x2, b"y" * 200), options=SERVER_LIKE | (3 << 2))
frames_seed("fragmented-text-ping-between",
            frame(0x1, "Grüß".encode()[:3], fin=False) + frame(0x9, b"ping")
            + frame(0x0, "Grüß".encode()[3:], fin=False) + frame(0x0, b" Gott"), split=1)
frames_seed("ping-pong-close", frame(0x9, b"") + frame(0xA, b"pong") + frame(0x8, close_1000))
frames_seed("close-empty", frame(0x8, b""))
frames_seed("close-one-byte", frame(0x8, b"\x03"))
frames_seed("close-1005-on-wire", frame(0x8, struct.pack(">H", 1005)))
frames_seed("close-bad-utf8-reason", frame(0x8, struct.pack(">H", 1000) + b"\xc0\xaf"))
frames_seed("ping-126-bytes", frame(0x9, b"p" * 126))
frames_seed("ping-fragmented", frame(0x9, b"p", fin=False))
frames_seed("reserved-bits", frame(0x2, b"r", rsv=0x40))
frames_seed("reserved-opcode-3", frame(0x3, b"r"))
frames_seed("reserved-opcode-b", frame(0xB, b"r"))
frames_seed("continuation-without-start", frame(0x0, b"c"))
frames_seed("new-message-inside-fragmented", frame(0x1, b"a", fin=False) + frame(0x2, b"b"))
frames_seed("text-invalid-utf8", frame(0x1, b"\xed\xa0\x80"))
frames_seed("text-truncated-utf8", frame(0x1, b"\xe2\x82"))
frames_seed("text-invalid-utf8-unchecked", frame(0x1, b"\xff\xfe"), options=0x01)
frames_seed("two-messages-byte-by-byte", frame(0x1, b"one") + frame(0x2, b"two"), split=1)
frames_seed("truncated-header", frame(0x2, b"z" * 300)[:3])
frames_seed("generated-mix", bytes(range(0, 256, 3)), options=0x83)
frames_seed("generated-unmasked-max", bytes(range(255, 0, -5)), options=0x80 | (5 << 2), split=9)


# --- Hixie frames ---------------------------------------------------------------------------------
# A hixie_frame seed is: max_frame_size byte, split byte, then the stream.

def hixie_seed(name, stream, options=0, split=0):
    write("hixie_frame", name, bytes([options, split]) + stream)


hixie_seed("text-base64", b"\x00" + base64.b64encode(b"RFB 003.008\n") + b"\xff")
hixie_seed("empty-frame", b"\x00\xff")
hixie_seed("close", b"\x00abc\xff\xff\x00trailing")
hixie_seed("skipped-sentinel-frame", b"\x01skip me\xff\x00kept\xff", split=1)
hixie_seed("length-prefixed-refused", b"\x80\x05hello")
hixie_seed("ff-not-close", b"\xff\x01")
hixie_seed("too-large", b"\x00" + b"A" * 40 + b"\xff", options=5, split=3)
hixie_seed("unterminated", b"\x00partial")


# --- base64 ---------------------------------------------------------------------------------------
# A base64 seed is: split byte, then the text.

for name, text, split in [
    ("three-bytes", b"QUJD", 0), ("one-pad", b"Zm8=", 0), ("two-pads", b"Zg==", 0),
    ("no-pad", b"Zm9vYmFy", 1), ("nonzero-pad-bits", b"Zh==", 0),
    ("concatenated-padded", b"Zg==Zg==", 3), ("websocket-key", b"dGhlIHNhbXBsZSBub25jZQ==", 5),
    ("bad-length", b"Zg=", 0), ("three-pads", b"Z===", 0), ("pad-then-data", b"Zg=a", 0),
    ("bad-char", b"QU*D", 0), ("url-safe-alphabet", b"-_-_", 0), ("empty", b"", 0),
    ("vnc-handshake", base64.b64encode(b"RFB 003.008\n\x01\x02"), 2),
]:
    write("base64", name, bytes([split]) + text)


# --- UTF-8 ----------------------------------------------------------------------------------------
# A utf8 seed is: split byte, then the text.

for name, text, split in [
    ("ascii", b"Hello, world", 0), ("two-byte", "é".encode(), 0), ("three-byte", "€".encode(), 0),
    ("four-byte", "𝄞".encode(), 0), ("mixed-split", "κόσμε ❤ 𝄞 ok".encode(), 1),
    ("overlong-slash", b"\xc0\xaf", 0), ("overlong-3", b"\xe0\x80\xaf", 0),
    ("overlong-4", b"\xf0\x80\x80\xaf", 0), ("surrogate-high", b"\xed\xa0\x80", 0),
    ("surrogate-low", b"\xed\xbf\xbf", 0), ("max-code-point", b"\xf4\x8f\xbf\xbf", 0),
    ("above-max", b"\xf4\x90\x80\x80", 0), ("lead-f5", b"\xf5\x80\x80\x80", 0),
    ("stray-continuation", b"a\x80b", 0), ("truncated-3", b"\xe2\x82", 0),
    ("ascii-then-bad-after-8", b"abcdefghij\xff", 3), ("bom", b"\xef\xbb\xbfx", 0),
]:
    write("utf8", name, bytes([split]) + text)


# --- web paths ------------------------------------------------------------------------------------
# The fuzzer's tree: root/{a/{index.html,b.txt}, dir/c.txt, file.txt, "sp ace.txt", %41.txt,
# link_in -> a, link_out -> ../outside, link_file -> ../outside/secret.txt}.

for name, target in [
    ("root", "/"), ("dir-no-slash", "/a"), ("dir-with-index", "/a/"), ("file", "/a/b.txt"),
    ("listing", "/dir/"), ("file-trailing-slash", "/file.txt/"), ("space", "/sp%20ace.txt"),
    ("percent-name", "/%2541.txt"), ("dot-dot", "/../outside/secret.txt"),
    ("encoded-dot-dot", "/%2e%2E/outside/secret.txt"), ("dot-dot-at-end", "/a/.."),
    ("dot-segments", "/./a/./b.txt"), ("symlink-out", "/link_out/secret.txt"),
    ("symlink-out-dir", "/link_out/"), ("symlink-file-out", "/link_file"),
    ("symlink-in", "/link_in/b.txt"), ("encoded-slash", "/a%2Fb.txt"),
    ("encoded-backslash", "/a%5cb.txt"), ("backslash", "/a\\..\\b.txt"), ("encoded-nul", "/a%00"),
    ("bad-percent", "/%zz"), ("lone-percent", "/%"), ("absolute-form", "http://host:6080/a?q=1#f"),
    ("absolute-form-no-path", "HTTPS://host"), ("double-slash-redirect", "//a"),
    ("query-and-fragment", "/dir?x=1#frag"), ("asterisk", "*"), ("missing", "/nope/x.html"),
]:
    write("resolve_target", name, target)


# --- token files ----------------------------------------------------------------------------------
# A token_file seed is the file, in the format of Python websockify's ReadOnlyTokenFile.

for name, text in [
    ("python-docs-example", "# token: host:port\ntoken1: 192.168.1.10:5900\ntoken2: vnc2.internal:5901\n"),
    ("ipv6-targets", "v6: ::1:5900\nbracketed: [fd00::12]:5901\nmapped: ::ffff:10.0.0.1:5902\n"),
    ("unix-socket", "sock: unix_socket:/run/vnc/display0.sock\nempty: unix_socket:\n"),
    ("comments-blank-crlf", "# first\r\n\r\n   \r\n  # indented comment\r\na: h:1\r\n"),
    ("tab-separator", "a:\thost:5900\nb:\t\tother:5901\n"),
    ("no-space-after-colon", "a:host:5900\nb :host:5901\n"),
    ("later-line-wins", "a: first:1\nb: keep:2\na: second:3\n"),
    ("bad-ports", "p0: h:0\nbig: h:65536\nneg: h:-1\nplus: h:+5\nhex: h:0x10\nnone: h:\n"),
    ("empty-token-and-host", ": h:1\nx: :5900\ny: []:1\n"),
    ("colon-in-token", "a:: h:1\nurl:http: //x:80\n"),
    ("no-trailing-newline", "last: host.example:5900"),
    ("whitespace-everywhere", " \t tok \t:  \v host \f:\t 5900 \r\n"),
    ("nul-and-high-bytes", "t\0k: h\xff\xfe:5900\n\xef\xbb\xbfbom: h:1\n"),
]:
    write("token_file", name, text)


# --- JWT ------------------------------------------------------------------------------------------
# A jwt seed is: mode byte, then text. Modes 0, 1, 2: a token checked with the fuzzer's HS256,
# RS256 or ES256 key; 3: "HEADER\nCLAIMS" that the fuzzer signs with its HS256 secret; 7: a key
# file. The HS256 secret is the fuzzer's, base64url of b"websockify-fuzz-hs256-secret-key".

import hashlib
import hmac
import json

JWT_SECRET = b"websockify-fuzz-hs256-secret-key"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header, claims, secret=JWT_SECRET, signature=None):
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    if signature is None:
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


GOOD = {"host": "vnc1.internal", "port": 5901}
for name, mode, text in [
    ("hs256-valid", 0, jwt({"alg": "HS256", "typ": "JWT"}, GOOD)),
    ("hs256-port-string-exp", 0, jwt({"alg": "HS256"}, {"host": "::1", "port": "5900", "exp": 4e9})),
    ("hs256-wrong-secret", 0, jwt({"alg": "HS256"}, GOOD, secret=b"other")),
    ("alg-none", 0, jwt({"alg": "none"}, GOOD, signature=b"")),
    ("rs256-bad-signature", 1, jwt({"alg": "RS256"}, GOOD, signature=bytes(128))),
    ("es256-bad-signature", 2, jwt({"alg": "ES256"}, GOOD, signature=bytes(range(64)))),
    ("jwe-five-parts", 0, "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d"),
    ("padded-base64", 0, "eyJhbGciOiJIUzI1NiJ9.e30=.c2ln"),
    ("signed-valid", 3, '{"alg":"HS256"}\n{"host":"10.0.0.5","port":5900,"nbf":1,"exp":2e9}'),
    ("signed-expired", 3, '{"alg":"HS256"}\n{"host":"h","port":1,"exp":1000}'),
    ("signed-not-yet", 3, '{"alg":"HS256"}\n{"host":"h","port":1,"nbf":9e9}'),
    ("signed-crit", 3, '{"alg":"HS256","crit":["b64"]}\n{"host":"h","port":1}'),
    ("signed-bad-claims", 3, '{"alg":"HS256"}\n{"host":7,"port":[1],"exp":"soon"}'),
    ("signed-port-range", 3, '{"alg":"HS256"}\n{"host":"h","port":65536}'),
    ("key-hmac-secret", 7, b64url(JWT_SECRET) + "\n"),
    ("key-ec-public", 7, "-----BEGIN PUBLIC KEY-----\n"
     "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhy17/WS2s0WhU1jcLNtmk3JDesYe\n"
     "EQb6SCgv+D/KUW/PVjb4jV0AkLejOC6HGrR+Sybww96aHSJxbLd8AKcY9A==\n-----END PUBLIC KEY-----\n"),
    ("key-broken-pem", 7, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
]:
    write("jwt", name, bytes([mode]) + text.encode())


# --- JSON targets, Redis values and sources -------------------------------------------------------
# A json_target seed is one text, read as a JSONTokenApi answer, a TokenRedis value and a
# TokenRedis source.

for name, text in [
    ("port-number", '{"host": "vnc1.internal", "port": 5901}'),
    ("port-string", '{"host": "10.0.0.5", "port": "5900"}'),
    ("ipv6-host", '{"host": "fd00::1", "port": 5900, "extra": [1, 2]}'),
    ("bracketed-host", '{"host": "[::1]", "port": 1}'),
    ("port-negative-float", '{"host": "h", "port": -1}\n{"host": "h", "port": 5.9e3}'),
    ("port-too-big", '{"host": "h", "port": 18446744073709551617}'),
    ("host-not-string", '{"host": null, "port": 1}'),
    ("not-object", '["h", 1]'),
    ("redis-json-value", ' {"host": "vnc1.internal:5901"}\n'),
    ("redis-plain-value", "  vnc1.internal:5901\r\n"),
    ("redis-source-full", "redis.example:6380:2:s3cret:websockify:tokens"),
    ("redis-source-defaults", "localhost::::"),
    ("unicode-escape", '{"host": "\\u00e9x\\ud83d\\ude00", "port": "00022"}'),
]:
    write("json_target", name, text)


# --- allow lists ----------------------------------------------------------------------------------
# An allow_list seed is lines: --allow-target rules, and targets after a '>'.

for name, text in [
    ("readme-forms", "10.0.0.0/8\n192.168.1.5:5900\n[fd00::]/8:5900-5999\nfd00::1\n"
     "vnc1.internal:5901\n*:5900-5999\nunix:/run/vnc\n>10.1.2.3:5900\n>vnc1.internal:5901\n"
     ">[fd00::7]:5950\n>unix:/run/vnc/a.sock\n>unix:/run/vncx\n"),
    ("mapped-ipv4", "10.0.0.0/8\n>[::ffff:10.0.0.1]:22\n>::ffff:11.0.0.1:22\n"),
    ("case-insensitive-name", "VNC.Example:5900\n>vnc.EXAMPLE:5900\n>vnc.example:5901\n"),
    ("bad-rules", "10.0.0.0/33\n[fd00::\n*:0\n*:6000-5000\n*:\nunix:relative\nbad_name\n:\n"),
    ("prefix-zero", "0.0.0.0/0:1-65535\n::/0\n>203.0.113.9:443\n>[2001:db8::1]:80\n"),
    ("odd-prefix", "192.168.1.77/27:5900\n>192.168.1.64:5900\n>192.168.1.96:5900\n"),
    ("unix-root", "unix:/\n>unix:/tmp/x\n"),
    ("empty-list", ">host:1\n>unix:/x\n"),
    ("host-name-target-only-address-rules", "10.0.0.0/8\n>internal.example:5900\n"),
]:
    write("allow_list", name, text)


# --- PROXY protocol headers -----------------------------------------------------------------------
# A proxy_protocol seed is one byte choosing how the stream is cut into reads (0: all at once,
# 1: a byte at a time, n: random sizes up to n), then the header and the client's first bytes.
# The v2 ones are laid out after HAProxy's proxy-protocol.txt §2.2.

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def proxy_v2(command, family, body):
    return V2_SIGNATURE + bytes([0x20 | command, family]) + struct.pack(">H", len(body)) + body


TCP4_BLOCK = bytes([192, 0, 2, 1, 198, 51, 100, 2]) + struct.pack(">HH", 4711, 80)
TCP6_BLOCK = (bytes.fromhex("20010db8000000000000000000000001")
              + bytes.fromhex("20010db8000000000000000000000002") + struct.pack(">HH", 4711, 443))
CLIENT_HELLO_START = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])

for name, pattern, data in [
    ("v1-tcp4-then-get", 0, b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n"),
    ("v1-tcp4-bytewise", 1, b"PROXY TCP4 127.0.0.1 127.0.0.1 40000 6080\r\n"),
    ("v1-tcp6", 5, b"PROXY TCP6 2001:db8::1 2001:db8::2 4711 80\r\n\x16\x03\x01"),
    ("v1-tcp6-mapped", 0, b"PROXY TCP6 ::ffff:192.0.2.9 ::1 65535 0\r\n"),
    ("v1-unknown", 0, b"PROXY UNKNOWN\r\n"),
    ("v1-unknown-longest", 3, b"PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
     b"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
    ("v1-bare-lf", 0, b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"),
    ("v1-leading-zero-port", 0, b"PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"),
    ("v2-tcp4-then-hello", 0, proxy_v2(1, 0x11, TCP4_BLOCK) + CLIENT_HELLO_START),
    ("v2-tcp4-bytewise", 1, proxy_v2(1, 0x11, TCP4_BLOCK) + b"GET"),
    ("v2-tcp6-tlvs", 7, proxy_v2(1, 0x21, TCP6_BLOCK + b"\x04\x00\x03abc\x02\x00\x03vnc") + b"G"),
    ("v2-local", 0, proxy_v2(0, 0x00, b"")),
    ("v2-local-with-junk-block", 2, proxy_v2(0, 0x11, b"\x00" * 20) + b"GET"),
    ("v2-unix", 0, proxy_v2(1, 0x31, b"/run/a".ljust(108, b"\x00") + b"/run/b".ljust(108, b"\x00"))),
    ("v2-short-length", 0, proxy_v2(1, 0x21, TCP4_BLOCK)),
    ("v2-bad-version", 0, V2_SIGNATURE + bytes([0x11, 0x11, 0, 12]) + TCP4_BLOCK),
    ("plain-http", 0, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
]:
    write("proxy_protocol", name, bytes([pattern]) + data)
