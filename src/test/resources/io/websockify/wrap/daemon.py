"""Test program for ignore mode: daemonises like a classic Unix daemon (fork, setsid, fork, parent exits) and
the daemon serves TCP echo on 127.0.0.1:PORT. The daemon writes its pid to REPORT once it listens."""
import os
import socket
import sys

report, port = sys.argv[1], int(sys.argv[2])
if os.fork() > 0:
    os._exit(0)
os.setsid()
if os.fork() > 0:
    os._exit(0)
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
with open(report + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(report + ".tmp", report)
while True:
    conn, _ = s.accept()
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
