#!/usr/bin/env python3
"""firstscreen.py WANT CMD...: run CMD in a 120x40 pseudo-terminal, print the
milliseconds until its output first contains WANT (e.g. the picker's
"conversations", drawn once the first frames are indexed), then quit it.

scripts/bench.sh uses it to time tcpstep's first screen on a big capture,
whole process included. A pseudo-terminal rather than tmux: inside tmux,
the terminal libraries run `tmux info` at start to learn its colours, which
times tmux, not tcpstep."""
import os
import pty
import select
import signal
import struct
import sys
import time

import fcntl
import termios

want = sys.argv[1].encode()
cmd = sys.argv[2:]
env = dict(os.environ)
env.pop("TMUX", None)
env.setdefault("TERM", "xterm-256color")
start = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(cmd[0], cmd, env)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
out = b""
seen = None
while seen is None and time.monotonic() - start < 30:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if want in out:
        seen = time.monotonic() - start
try:
    os.write(fd, b"q")
    time.sleep(0.2)
    os.kill(pid, signal.SIGTERM)
except (OSError, ProcessLookupError):
    pass
print("never" if seen is None else "%.0f" % (seen * 1000))
