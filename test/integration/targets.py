"""TCP servers that websockify proxies to, run on threads inside the test process.

Each listens on 127.0.0.1 with a kernel-chosen port and serves every connection on its own
thread, so a slow target never blocks the asyncio client driving the test.
"""

import hashlib
import socket
import threading
import time

CHUNK = 64 * 1024


class TcpTarget:
    """Accepts connections and hands each to handle(conn); use as a context manager."""

    def __init__(self, host="127.0.0.1"):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, 0), family=family, backlog=256)
        self.port = self._listener.getsockname()[1]
        self.errors = []  # exceptions raised by handlers, for the test to report
        self._connections = []
        self._threads = []
        self._lock = threading.Lock()
        self._closing = False
        self._acceptor = threading.Thread(target=self._accept_loop, name="target-accept",
                                          daemon=True)

    def __enter__(self):
        self._acceptor.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def _accept_loop(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # listener closed by close()
            with self._lock:
                if self._closing:
                    conn.close()
                    return
                thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                self._connections.append(conn)
                self._threads.append(thread)
            thread.start()

    def _serve(self, conn):
        try:
            self.handle(conn)
        except OSError as exc:
            self.errors.append(exc)
        finally:
            conn.close()

    def handle(self, conn):
        raise NotImplementedError

    def close(self):
        with self._lock:
            self._closing = True
            connections, threads = list(self._connections), list(self._threads)
        # shutdown() wakes the accept() and recv() calls blocked on other threads.
        for sock in [self._listener, *connections]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._listener.close()
        self._acceptor.join(5)
        for thread in threads:
            thread.join(5)


class EchoTarget(TcpTarget):
    """Sends back every byte it receives; half-closes when the peer does."""

    def handle(self, conn):
        while data := conn.recv(CHUNK):
            conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)


class SinkTarget(TcpTarget):
    """Reads everything, keeping a byte count and SHA-256 over all connections' data.

    With bytes_per_tick it reads at most that much per `tick` seconds: a slow consumer that
    makes websockify's send queue toward the target fill up.
    """

    def __init__(self, bytes_per_tick=None, tick=0.01):
        super().__init__()
        self.bytes_per_tick, self.tick = bytes_per_tick, tick
        self.received = 0
        self.digest = hashlib.sha256()
        self._progress = threading.Condition()

    def handle(self, conn):
        while True:
            tick_end = time.monotonic() + self.tick
            budget = self.bytes_per_tick or CHUNK
            while budget > 0:
                data = conn.recv(min(budget, CHUNK))
                if not data:
                    return
                budget -= len(data)
                with self._progress:
                    self.received += len(data)
                    self.digest.update(data)
                    self._progress.notify_all()
            if self.bytes_per_tick:
                time.sleep(max(0.0, tick_end - time.monotonic()))  # throttling, by design

    def wait_for_bytes(self, count, timeout):
        """True once `count` bytes arrived; False on timeout."""
        with self._progress:
            return self._progress.wait_for(lambda: self.received >= count, timeout)


class SourceTarget(TcpTarget):
    """Sends a fixed payload to each connection as fast as it can, then closes its side.

    `payload` is bytes, or a function returning an iterable of chunks (so 64 MiB need not be
    held in memory). After sending it waits (bounded) for websockify to close too, so the
    close is an orderly FIN and not a reset that could discard data still in flight.
    """

    def __init__(self, payload):
        super().__init__()
        self._chunks = payload if callable(payload) else (lambda: [payload])
        self.sent = 0
        self.finished = threading.Event()

    def handle(self, conn):
        for chunk in self._chunks():
            conn.sendall(chunk)
            self.sent += len(chunk)
        self.finished.set()
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(10)
        try:
            while conn.recv(CHUNK):
                pass
        except socket.timeout:
            pass


class RefusingPort:
    """A port bound but not listening: connecting to it is refused, and nobody else can take it."""

    def __init__(self):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._sock.close()
