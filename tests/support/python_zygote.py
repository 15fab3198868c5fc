#!/usr/bin/python3
"""A Python process with torch and numpy already imported, forking one child per test script.

Importing torch costs about 1.5 s of CPU (most of it loading libtorch), and the suite starts
some 700 Python processes that import it: on the 2-core CI machine that was a third of the test
run. CTest starts this server once (fixture `python_zygote`, tests/CMakeLists.txt); each test
runs its script through forked_python.py, which hands the script, its arguments, working
directory, environment and standard streams to the server. The server forks; the child is the
test's Python process from then on, with torch imported. Nothing else is shared: each script runs
in its own process, and the server itself never runs test code.

    python_zygote.py --start SOCKET   start the server in the background (replacing an old one)
    python_zygote.py --stop SOCKET    stop it

The server stops by itself after IDLE_SECONDS without a request. Without a server (the socket
missing, or the server gone), forked_python.py runs the script with a fresh interpreter.
"""
import array
import atexit
import json
import os
import selectors
import signal
import socket
import sys
import time
import traceback

IDLE_SECONDS = 900


def send_stop(path):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(path)
            s.sendall(b'{"stop": true}\n')
            s.recv(16)
    except OSError:
        pass


def receive_request(conn):
    """The request line (JSON) and the three standard-stream descriptors sent with it."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        fd_bytes = array.array("i").itemsize * 3
        msg, ancdata, _, _ = conn.recvmsg(1 << 20, socket.CMSG_LEN(fd_bytes))
        if not msg:
            raise EOFError
        data += msg
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                got = array.array("i")
                got.frombytes(payload[: len(payload) - len(payload) % got.itemsize])
                fds.extend(got)
    return json.loads(data), fds


def run_child(request, fds, listener, conns):
    """In the forked child: become the test's Python process and run its script."""
    listener.close()
    for c in conns:
        c.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    argv = request["argv"]
    sys.argv = list(argv)
    sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
    code = 0
    try:
        import runpy
        runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException as e:  # noqa: B902 - the script's uncaught exception, as Python reports it
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != argv[0]:
            tb = tb.tb_next  # the frames of this file and runpy are not the script's
        traceback.print_exception(type(e), e, tb or e.__traceback__)
        code = 1
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)


def serve(path):
    import numpy  # noqa: F401  (imported once here, inherited by every child)
    import torch  # noqa: F401
    try:
        import h5py  # noqa: F401
    except ImportError:
        pass
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    children = {}  # pid -> connection waiting for its exit status
    last = time.monotonic()
    while True:
        for key, _ in sel.select(timeout=0.05):
            if key.fileobj is listener:
                conn, _ = listener.accept()
                try:
                    request, fds = receive_request(conn)
                except (EOFError, OSError, ValueError):
                    conn.close()
                    continue
                last = time.monotonic()
                if request.get("stop"):
                    conn.sendall(b"bye\n")
                    conn.close()
                    for pid in children:
                        os.kill(pid, signal.SIGKILL)
                    os.unlink(path)
                    return
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    run_child(request, fds, listener, [c for c in children.values()] + [conn])
                for fd in fds:
                    os.close(fd)
                children[pid] = conn
                sel.register(conn, selectors.EVENT_READ, pid)
            else:
                # The client went away before its script ended (a CTest timeout): end the script.
                pid = key.data
                sel.unregister(key.fileobj)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            conn = children.pop(pid, None)
            if conn is None:
                continue
            try:
                sel.unregister(conn)
            except KeyError:
                pass
            code = os.waitstatus_to_exitcode(status)
            try:
                conn.sendall(f"{code}\n".encode())
            except OSError:
                pass
            conn.close()
        if not children and time.monotonic() - last > IDLE_SECONDS:
            os.unlink(path)
            return


def start(path):
    send_stop(path)
    log = path + ".log"
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        # Detached from CTest's pipes, which must close for the start test to end.
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        try:
            serve(path)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(path)
            print(f"python zygote: serving on {path}")
            return 0
        except OSError:
            time.sleep(0.1)
    print(f"python zygote: did not start (see {log})", file=sys.stderr)
    return 1


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("--start", "--stop"):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "--stop":
        send_stop(sys.argv[2])
        return 0
    return start(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
