#!/usr/bin/env python3
"""peer.py: a real TCP client and server talking over loopback, one scenario per run.

Used by record.sh while tcpdump listens on lo; it is not needed by the tests (the recorded
captures are the test data). Both ends are ordinary kernel sockets in one process: the server
runs in a thread, the client in the main thread, and they wait on each other at fixed points so
that every run exchanges the same segments in the same order (the bytes, ISNs, ports and
timestamps differ from run to run; the shape does not).

usage: peer.py SCENARIO PORT
scenarios: refused abort transfer server-close half-close ipv6 multi keepalive zero-window
Only 127.0.0.1 and ::1 are ever used.
"""

import socket
import struct
import sys
import threading
import time

V4 = "127.0.0.1"
V6 = "::1"

TRANSFER_BYTES = 200 * 1024


def pattern(n):
    """Deterministic payload: repeating printable text, so a hex view shows something readable."""
    line = b"tcpstep loopback transfer 0123456789abcdefghijklmnopqrstuvwxyz\n"
    reps = n // len(line) + 1
    return (line * reps)[:n]


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise RuntimeError("peer closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return bytes(buf)


def recv_until_eof(s, bufsize=65536):
    buf = bytearray()
    while True:
        chunk = s.recv(bufsize)
        if not chunk:
            return bytes(buf)
        buf += chunk


def recv_line(s):
    buf = bytearray()
    while not buf.endswith(b"\n"):
        chunk = s.recv(1)
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


class Server:
    """A listening socket whose per-connection handler runs in a background thread."""

    def __init__(self, family, host, port, handler, connections=1):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(4)
        self.handler = handler
        self.connections = connections
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for _ in range(self.connections):
                conn, _ = self.sock.accept()
                with conn:
                    self.handler(conn)
        except Exception as e:  # reported by join()
            self.error = e
        finally:
            self.sock.close()

    def join(self):
        self.thread.join(10)
        if self.thread.is_alive():
            raise RuntimeError("server thread did not finish")
        if self.error is not None:
            raise self.error


def connect(family, host, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.connect((host, port))
    return s


def scenario_refused(port):
    # Nothing listens on PORT: the kernel answers the SYN with RST/ACK.
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect((V4, port))
    except ConnectionRefusedError:
        return
    finally:
        s.close()
    raise RuntimeError("port %d unexpectedly accepted a connection" % port)


def scenario_abort(port):
    # The client sends a request, gets a reply, then closes with SO_LINGER {on, 0}: the kernel
    # discards the connection and sends RST instead of FIN.
    done = threading.Event()

    def handle(conn):
        req = recv_line(conn)
        conn.sendall(b"OK got " + str(len(req)).encode() + b" bytes\n")
        # Wait for the RST: recv fails with ECONNRESET (or returns EOF on some kernels).
        try:
            conn.recv(100)
        except ConnectionResetError:
            pass
        done.set()

    srv = Server(socket.AF_INET, V4, port, handle)
    c = connect(socket.AF_INET, V4, port)
    c.sendall(b"HELLO this connection will be aborted\n")
    recv_line(c)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    srv.join()


def scenario_transfer(port):
    # Request/response: the server sends TRANSFER_BYTES; the client reads it all (slowly, with a
    # small receive buffer, so the window fills and reopens) and closes first.
    def handle(conn):
        recv_line(conn)
        body = pattern(TRANSFER_BYTES)
        conn.sendall(b"LEN " + str(len(body)).encode() + b"\n" + body)
        recv_until_eof(conn)  # the client's FIN

    srv = Server(socket.AF_INET, V4, port, handle)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
    c.connect((V4, port))
    c.sendall(b"GET /blob\n")
    hdr = recv_line(c)
    n = int(hdr.split()[1])
    got = 0
    while got < n:
        chunk = c.recv(min(16384, n - got))
        if not chunk:
            raise RuntimeError("short transfer: %d of %d" % (got, n))
        got += len(chunk)
        time.sleep(0.01)
    c.close()
    srv.join()


def scenario_server_close(port):
    # The server sends a banner and closes first; the client reads the banner, sees EOF, closes.
    def handle(conn):
        conn.sendall(b"220 loopback.test ESMTP tcpstep; closing now\r\n")
        # leaving the with-block closes: FIN from the server

    srv = Server(socket.AF_INET, V4, port, handle)
    c = connect(socket.AF_INET, V4, port)
    recv_until_eof(c)
    srv.join()
    c.close()


def scenario_half_close(port):
    # The client sends its request and shuts down its sending side (FIN from the client); the
    # server keeps sending on the half-open connection, then closes (FIN from the server).
    def handle(conn):
        req = recv_until_eof(conn)  # request, then the client's FIN
        for i in range(3):
            conn.sendall(b"part %d of the answer to %d request bytes\n" % (i + 1, len(req)))
            time.sleep(0.05)

    srv = Server(socket.AF_INET, V4, port, handle)
    c = connect(socket.AF_INET, V4, port)
    c.sendall(b"QUERY everything; no more from me\n")
    c.shutdown(socket.SHUT_WR)
    recv_until_eof(c)
    c.close()
    srv.join()


def scenario_ipv6(port):
    # A short request/response over ::1 with a four-way close begun by the client.
    def handle(conn):
        req = recv_line(conn)
        conn.sendall(b"PONG " + req)
        recv_until_eof(conn)

    srv = Server(socket.AF_INET6, V6, port, handle)
    c = connect(socket.AF_INET6, V6, port)
    c.sendall(b"PING over ::1\n")
    recv_line(c)
    c.close()
    srv.join()


def scenario_multi(port):
    # Three sequential connections to one server port, each a request/response closed by the
    # client; a pause between them keeps them apart in time.
    count = 3

    def handle(conn):
        req = recv_line(conn)
        conn.sendall(b"ECHO " + req)
        recv_until_eof(conn)

    srv = Server(socket.AF_INET, V4, port, handle, connections=count)
    for i in range(count):
        c = connect(socket.AF_INET, V4, port)
        c.sendall(b"connection %d of %d\n" % (i + 1, count))
        recv_line(c)
        c.close()
        time.sleep(0.1)
    srv.join()


def scenario_keepalive(port):
    # After one exchange the client idles with SO_KEEPALIVE and a 1 s idle/interval, so the
    # kernel sends two keep-alive probes (SEQ one below the next byte, no data) that the server
    # acknowledges; then the client closes.
    def handle(conn):
        req = recv_line(conn)
        conn.sendall(b"ACK " + req)
        recv_until_eof(conn)

    srv = Server(socket.AF_INET, V4, port, handle)
    c = connect(socket.AF_INET, V4, port)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)
    c.sendall(b"IDLE for a while\n")
    recv_line(c)
    time.sleep(2.5)
    c.close()
    srv.join()


def scenario_zero_window(port):
    # The client's receive buffer is small and it stops reading for a while: its window closes
    # (zero window), the sender probes it on its persist timer, and the window reopens (window
    # update) once the client reads again. The client closes first.
    size = 64 * 1024

    def handle(conn):
        recv_line(conn)
        conn.sendall(pattern(size))
        recv_until_eof(conn)

    srv = Server(socket.AF_INET, V4, port, handle)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    c.connect((V4, port))
    c.sendall(b"GET /slowly\n")
    time.sleep(1.5)
    recv_exact(c, size)
    c.close()
    srv.join()


SCENARIOS = {
    "refused": scenario_refused,
    "abort": scenario_abort,
    "transfer": scenario_transfer,
    "server-close": scenario_server_close,
    "half-close": scenario_half_close,
    "ipv6": scenario_ipv6,
    "multi": scenario_multi,
    "keepalive": scenario_keepalive,
    "zero-window": scenario_zero_window,
}


def main(argv):
    if len(argv) != 3 or argv[1] not in SCENARIOS:
        print("usage: peer.py {%s} PORT" % "|".join(SCENARIOS), file=sys.stderr)
        return 2
    port = int(argv[2])
    if not 40000 <= port <= 49999:
        print("peer.py: port %d outside 40000-49999" % port, file=sys.stderr)
        return 2
    SCENARIOS[argv[1]](port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
