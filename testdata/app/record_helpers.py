#!/usr/bin/env python3
"""Servers and clients for record.sh: real protocol implementations on loopback.

usage: record_helpers.py http-server ADDR PORT
       record_helpers.py split-client ADDR PORT      (an HTTP request sent in pieces)
       record_helpers.py chop-proxy LADDR LPORT RADDR RPORT SIZE
       record_helpers.py smtp-server ADDR PORT [CERT KEY]
       record_helpers.py smtp-client ADDR PORT [starttls]
       record_helpers.py dns-server ADDR PORT
       record_helpers.py pop-server|pop-client|imap-server|imap-client ADDR PORT
"""
import socket
import sys
import threading
import time


def http_server(addr, port):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path == "/chunked":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for part in (b"first chunk\n", b"second, a little longer chunk\n", b"x" * 3000):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.flush()
                    time.sleep(0.02)
                self.wfile.write(b"0\r\n\r\n")
                return
            if self.path == "/missing":
                self.send_error(404, "Not Found")
                return
            body = b"<html><body>hello from tcpstep's recorder</body></html>\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_HEAD(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1234")
            self.end_headers()

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            data = self.rfile.read(n)
            body = b'{"received": %d}' % len(data)
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    ThreadingHTTPServer((addr, int(port)), H).serve_forever()


def split_client(addr, port):
    """An HTTP request whose head comes in five segments and whose body in two."""
    s = socket.create_connection((addr, int(port)))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = b"name=tcpstep&issue=14&text=" + b"a" * 200
    head = (b"POST /form HTTP/1.1\r\nHost: split.example\r\nUser-Agent: split-client\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body))
    for piece in (head[:7], head[7:20], head[20:45], head[45:90], head[90:]):
        s.sendall(piece)
        time.sleep(0.05)
    s.sendall(body[:100])
    time.sleep(0.05)
    s.sendall(body[100:])
    resp = b""
    while b"}" not in resp:
        d = s.recv(4096)
        if not d:
            break
        resp += d
    s.close()


def chop_proxy(laddr, lport, raddr, rport, size):
    """Forwards one connection at a time, in pieces of SIZE bytes, so records
    and heads span several segments."""
    size = int(size)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((laddr, int(lport)))
    ls.listen(8)

    def pump(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                for i in range(0, len(d), size):
                    b.sendall(d[i:i + size])
                    time.sleep(0.002)
        except OSError:
            pass
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    while True:
        c, _ = ls.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        u = socket.create_connection((raddr, int(rport)))
        u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=pump, args=(c, u), daemon=True).start()
        threading.Thread(target=pump, args=(u, c), daemon=True).start()


def smtp_server(addr, port, cert=None, key=None):
    import ssl
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("nobody@"):
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_VRFY(self, server, session, envelope, address):
            if address == "root":
                return "550 5.1.1 <root>: User unknown"
            return "252 2.0.0 Cannot VRFY user, but will accept message"

        async def handle_EXPN(self, server, session, envelope, address):
            return "502 5.5.1 EXPN not available"

        async def handle_DATA(self, server, session, envelope):
            return "250 2.0.0 Ok: queued as 14"

    ctx = None
    if cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
    kw = {}
    if ctx:
        kw = {"tls_context": ctx}
    c = Controller(Handler(), hostname=addr, port=int(port), server_hostname="mail.example", **kw)
    c.start()
    threading.Event().wait()


def smtp_client(addr, port, mode=""):
    import smtplib
    import ssl
    s = smtplib.SMTP(addr, int(port), local_hostname="client.example")
    s.ehlo()
    if mode == "starttls":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s.starttls(context=ctx)
        s.ehlo()
    else:
        s.docmd("help")
        s.verify("root")
        s.verify("postmaster")
        s.expn("staff")
    s.mail("alice@client.example")
    s.rcpt("nobody@mail.example")
    s.rcpt("bob@mail.example")
    msg = ("From: alice@client.example\r\nTo: bob@mail.example\r\nSubject: issue 14\r\n\r\n"
           "Hello Bob,\r\n.leading dot line\r\n" + "a line of the body\r\n" * 20)
    s.data(msg)
    s.quit()


def dns_server(addr, port):
    import socketserver
    from dnslib import DNSRecord, RR, QTYPE, A, AAAA, RCODE

    class H(socketserver.BaseRequestHandler):
        def handle(self):
            while True:
                n = self.request.recv(2)
                if len(n) < 2:
                    return
                ln = int.from_bytes(n, "big")
                data = b""
                while len(data) < ln:
                    d = self.request.recv(ln - len(data))
                    if not d:
                        return
                    data += d
                q = DNSRecord.parse(data)
                r = q.reply()
                name = str(q.q.qname)
                if name.startswith("nx."):
                    r.header.rcode = RCODE.NXDOMAIN
                elif q.q.qtype == QTYPE.A:
                    r.add_answer(RR(q.q.qname, QTYPE.A, rdata=A("192.0.2.14"), ttl=60))
                    r.add_answer(RR(q.q.qname, QTYPE.A, rdata=A("192.0.2.15"), ttl=60))
                elif q.q.qtype == QTYPE.AAAA:
                    r.add_answer(RR(q.q.qname, QTYPE.AAAA, rdata=AAAA("2001:db8::14"), ttl=60))
                out = r.pack()
                self.request.sendall(len(out).to_bytes(2, "big") + out)

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer((addr, int(port)), H).serve_forever()


def line_server(addr, port, greeting, answer):
    """A one-connection-at-a-time server of a line protocol: greeting, then
    answer(line) for each client line, until it returns None after QUIT/LOGOUT."""
    import socketserver

    class H(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(greeting)
            for raw in self.rfile:
                out, done = answer(raw.rstrip(b"\r\n"))
                self.wfile.write(out)
                if done:
                    return

    socketserver.TCPServer.allow_reuse_address = True
    socketserver.TCPServer((addr, int(port)), H).serve_forever()


def pop_server(addr, port):
    msg = b"From: alice@client.example\r\nSubject: issue 14\r\n\r\nHello Bob,\r\n..a dotted line\r\n.\r\n"

    def answer(l):
        cmd = l.split(b" ")[0].upper()
        if cmd == b"CAPA":
            return b"+OK Capability list follows\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n", False
        if cmd == b"USER":
            return b"+OK send PASS\r\n", False
        if cmd == b"PASS":
            if l.endswith(b"wrong"):
                return b"-ERR [AUTH] Authentication failed\r\n", False
            return b"+OK Logged in\r\n", False
        if cmd == b"STAT":
            return b"+OK 1 %d\r\n" % len(msg), False
        if cmd == b"LIST":
            return b"+OK 1 messages\r\n1 %d\r\n.\r\n" % len(msg), False
        if cmd == b"RETR":
            return b"+OK %d octets\r\n" % len(msg) + msg, False
        if cmd == b"QUIT":
            return b"+OK Logging out\r\n", True
        return b"-ERR Unknown command\r\n", False

    line_server(addr, port, b"+OK POP3 server ready\r\n", answer)


def pop_client(addr, port):
    import poplib
    p = poplib.POP3(addr, int(port))
    p.capa()
    p.user("bob")
    try:
        p.pass_("wrong")
    except poplib.error_proto:
        pass
    p.user("bob")
    p.pass_("secret")
    p.stat()
    p.list()
    p.retr(1)
    p.quit()


def imap_server(addr, port):
    def answer(l):
        parts = l.split(b" ", 2)
        tag, cmd = parts[0], (parts[1].upper() if len(parts) > 1 else b"")
        if cmd == b"CAPABILITY":
            return b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%s OK CAPABILITY completed\r\n" % tag, False
        if cmd == b"LOGIN":
            return b"%s OK LOGIN completed\r\n" % tag, False
        if cmd == b"SELECT":
            return (b"* 1 EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Deleted)\r\n"
                    b"%s OK [READ-WRITE] SELECT completed\r\n" % tag), False
        if cmd == b"NOOP":
            return b"%s OK NOOP completed\r\n" % tag, False
        if cmd == b"LOGOUT":
            return b"* BYE logging out\r\n%s OK LOGOUT completed\r\n" % tag, True
        return b"%s BAD unknown command\r\n" % tag, False

    line_server(addr, port, b"* OK IMAP4rev1 server ready\r\n", answer)


def imap_client(addr, port):
    import imaplib
    m = imaplib.IMAP4(addr, int(port))
    m.login("bob", "secret")
    m.select("INBOX")
    m.noop()
    m.logout()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"http-server": http_server, "split-client": split_client, "chop-proxy": chop_proxy,
     "smtp-server": smtp_server, "smtp-client": smtp_client, "dns-server": dns_server,
     "pop-server": pop_server, "pop-client": pop_client, "imap-server": imap_server, "imap-client": imap_client}[cmd](*args)
