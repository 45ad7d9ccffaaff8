"""Test program wrapped by io.websockify.wrap tests: a TCP echo server.

It listens on --port with the sockets asked for: --v4 on 0.0.0.0 (or --host), --v6only on [::] with
IPV6_V6ONLY on, --dual on [::] with IPV6_V6ONLY off. --udp also binds a UDP socket on the port, --child starts
a child process that ignores SIGTERM. When ready it writes --report, one fact a line: "pid N",
"preload $LD_PRELOAD", "echo_port $ECHO_PORT", "child N", "tcp HOST PORT" (one per listener), "udp HOST PORT".
Bytes "exit" on a connection make it exit with --exit-status. SIGTERM is recorded in --report + ".term" and
ends the program unless --ignore-term.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--report", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--v4", action="store_true")
parser.add_argument("--host", default="0.0.0.0", help="address of the --v4 listener")
parser.add_argument("--v6only", action="store_true")
parser.add_argument("--dual", action="store_true")
parser.add_argument("--udp", action="store_true")
parser.add_argument("--child", action="store_true")
parser.add_argument("--ignore-term", action="store_true")
parser.add_argument("--exit-status", type=int, default=0)
args = parser.parse_args()


def on_term(signum, frame):
    with open(args.report + ".term", "a") as f:
        f.write("TERM\n")
    if not args.ignore_term:
        os._exit(143)


signal.signal(signal.SIGTERM, on_term)

listeners = []
if args.v4:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.host, args.port))
    listeners.append(s)
for flag, v6only in ((args.v6only, 1), (args.dual, 0)):
    if flag:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
        s.bind(("::", args.port))
        listeners.append(s)
for s in listeners:
    s.listen(8)

udp = None
if args.udp:
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", args.port))

child = None
if args.child:
    child = subprocess.Popen(["sleep", "600"],
                             preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN))


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            if data == b"exit":
                sys.stdout.flush()
                os._exit(args.exit_status)
            conn.sendall(data)


def accept(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


lines = ["pid %d" % os.getpid(),
         "preload %s" % (os.environ.get("LD_PRELOAD") or "-"),
         "echo_port %s" % (os.environ.get("ECHO_PORT") or "-")]
if child:
    lines.append("child %d" % child.pid)
for s in listeners:
    lines.append("tcp %s %d" % s.getsockname()[:2])
if udp:
    lines.append("udp %s %d" % udp.getsockname()[:2])
tmp = args.report + ".tmp"
with open(tmp, "w") as f:
    f.write("\n".join(lines) + "\n")
os.rename(tmp, args.report)
print("listening:", "; ".join(lines[1:]), flush=True)

for s in listeners[1:]:
    threading.Thread(target=accept, args=(s,), daemon=True).start()
if listeners:
    accept(listeners[0])
else:
    signal.pause()
