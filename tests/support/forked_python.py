#!/usr/bin/python3
"""Runs a Python test script in a child of the python zygote (python_zygote.py), whose torch and
numpy are already imported, or with a fresh interpreter when no zygote serves.

    forked_python.py SCRIPT [ARG...]

The zygote's socket is $NNPORT_PYTHON_ZYGOTE. The script gets this process's arguments, working
directory, environment and standard streams, and this process exits with the script's status.
If this process is killed, the zygote kills the script.
"""
import array
import json
import os
import socket
import sys


def fresh_interpreter():
    os.execv(sys.executable, [sys.executable] + sys.argv[1:])


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = os.environ.get("NNPORT_PYTHON_ZYGOTE", "")
    if not path or not os.path.exists(path):
        fresh_interpreter()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        fresh_interpreter()
    request = {"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}
    fds = array.array("i", [0, 1, 2])
    conn.sendmsg([json.dumps(request).encode() + b"\n"],
                 [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())])
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            print("forked_python: the python zygote went away", file=sys.stderr)
            return 1
        reply += chunk
    code = int(reply)
    if code < 0:  # killed by a signal: die the same way
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main())
