#!/usr/bin/python3
"""Negative tests: nnport must refuse or flag bad input cleanly (CTest: equivalence.negative.<name>).

    /usr/bin/python3 run_negative.py NAME NNPORT        # one case from negative/cases.json
    /usr/bin/python3 run_negative.py --all NNPORT       # every case

For each case, `nnport migrate FILE --to keras -o OUT --report REPORT [args]` is run in a fresh
temporary directory (the fixture is copied there, so a path in a diagnostic is easy to match), and:
  * it must end by itself (no signal, no timeout) with one of the case's allowed exit codes
    (3 partial or 1 failed; never 0, never 2 for a well-formed command line);
  * stderr must be valid UTF-8 (no raw bytes of a binary input echoed) and have at least one line
    `FILE:LINE:COL: error: MESSAGE [CODE]` with FILE naming the input, CODE one of the allowed codes
    and LINE one of the allowed lines (the construct's line); every `error:`/`warning:` line must
    follow that format;
  * exit 1: OUT is absent or empty (no output written); the report (written even on failure) has
    status "failed" and lists the diagnostic;
  * exit 3: OUT/<stem>.py exists, parses with `ast.parse`, contains a TODO(nnport) marker, and the
    report has status "partial" and lists the diagnostic;
  * the input file is byte-for-byte unchanged (SHA-256 before and after).
What it cannot check: the wording of messages, or that a partial output is otherwise correct.
"""
import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NEG = os.path.join(HERE, "negative")
DIAG_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note): "
                     r"(?P<msg>.+) \[(?P<code>[a-z0-9-]+)\]$")


def binary_bytes():
    # A small PNG-like blob: a NUL-laden, non-UTF-8 header followed by deterministic noise.
    data = bytearray(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    x = 12345
    for _ in range(480):
        x = (1103515245 * x + 12345) & 0x7FFFFFFF
        data.append((x >> 16) & 0xFF)
    return bytes(data)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run_case(case, nnport):
    problems = []
    work = tempfile.mkdtemp(prefix=f"nnport-neg-{case['name']}.")
    if case["file"] == "generated:binary":
        src = os.path.join(work, "blob.py")
        with open(src, "wb") as f:
            f.write(binary_bytes())
    else:
        src = os.path.join(work, case["file"])
        shutil.copy(os.path.join(NEG, case["file"]), src)
    stem = os.path.splitext(os.path.basename(src))[0]
    out_dir = os.path.join(work, "out")
    report_path = os.path.join(work, "report.json")
    before = sha256(src)
    cmd = [nnport, "migrate", src, "--to", "keras", "-o", out_dir, "--report", report_path] + case["args"]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=60, cwd=work)
    except subprocess.TimeoutExpired:
        return [f"timed out after 60s: {' '.join(cmd)}"], work
    rc = p.returncode
    try:
        err = p.stderr.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(f"stderr is not valid UTF-8 ({e})")
        err = p.stderr.decode("utf-8", errors="replace")
    shown = "\n".join("      " + l for l in err.splitlines()[:15]) or "      (empty)"
    if rc < 0:
        problems.append(f"killed by signal {-rc} (crash)\n    stderr:\n{shown}")
        return problems, work
    if rc not in case["exit"]:
        problems.append(f"exit {rc}, expected one of {case['exit']}\n    stderr:\n{shown}")

    matches = []
    for line in err.splitlines():
        if re.search(r": (error|warning): ", line) and not DIAG_RE.match(line):
            problems.append(f"malformed diagnostic line: {line!r}")
        m = DIAG_RE.match(line)
        if m and m.group("sev") == "error":
            matches.append(m)
    good = [m for m in matches
            if m.group("code") in case["codes"]
            and (case["lines"] is None or int(m.group("line")) in case["lines"])
            and os.path.basename(m.group("file")) == os.path.basename(src)
            and int(m.group("col")) >= 1]
    if not good:
        want = f"codes {case['codes']} at line(s) {case['lines'] if case['lines'] is not None else 'any'}"
        problems.append(f"no `FILE:LINE:COL: error: MESSAGE [CODE]` line with {want} naming "
                        f"{os.path.basename(src)}\n    stderr:\n{shown}")

    report = None
    if os.path.exists(report_path):
        try:
            with open(report_path) as f:
                report = json.load(f)
        except ValueError as e:
            problems.append(f"report is not valid JSON: {e}")
    else:
        problems.append("no report written (the contract says --report is written even on failure)")
    if report is not None:
        want_status = {1: "failed", 3: "partial"}.get(rc)
        if want_status and report.get("status") != want_status:
            problems.append(f"report status {report.get('status')!r}, expected {want_status!r} for exit {rc}")
        codes = [(d.get("code"), d.get("line")) for d in report.get("diagnostics", [])]
        if not any(c in case["codes"] and (case["lines"] is None or l in case["lines"]) for c, l in codes):
            problems.append(f"report diagnostics {codes} lack one with codes {case['codes']} "
                            f"at line(s) {case['lines']}")

    produced = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
    if rc == 1 and produced:
        problems.append(f"exit 1 but files were written in the output directory: {produced}")
    if rc == 3:
        py_out = os.path.join(out_dir, f"{stem}.py")
        if not os.path.exists(py_out):
            problems.append(f"exit 3 (partial) but {stem}.py was not written (found {produced})")
        else:
            with open(py_out, encoding="utf-8", errors="replace") as f:
                text = f.read()
            try:
                ast.parse(text)
            except SyntaxError as e:
                problems.append(f"partial output {stem}.py does not parse: {e}")
            if "TODO(nnport)" not in text:
                problems.append(f"partial output {stem}.py has no TODO(nnport) marker")
    if sha256(src) != before:
        problems.append("the input file was modified")
    return problems, work


def main(argv):
    if len(argv) != 3:
        print("usage: run_negative.py NAME|--all NNPORT", file=sys.stderr)
        return 2
    with open(os.path.join(NEG, "cases.json")) as f:
        cases = json.load(f)["cases"]
    names = [c["name"] for c in cases] if argv[1] == "--all" else [argv[1]]
    nnport = os.path.abspath(argv[2])
    failed = 0
    for name in names:
        case = next((c for c in cases if c["name"] == name), None)
        if case is None:
            print(f"FAIL equivalence.negative.{name}: no such case in negative/cases.json")
            failed += 1
            continue
        problems, work = run_case(case, nnport)
        if problems:
            failed += 1
            print(f"FAIL equivalence.negative.{name}:")
            for pr in problems:
                print(f"  - {pr}")
            print(f"  work dir kept: {work}")
        else:
            print(f"PASS equivalence.negative.{name}")
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
