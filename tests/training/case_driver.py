"""What run_keras_case.py and run_pytorch_case.py share: running the tools, the command line,
the work directory and the PASS/FAIL report, the migration checks and the loss comparison.

A script's header may also say `steps=N` to compare its first N losses (default 5): a schedule
case compares past the step where its rate changes.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EQUIV_KERAS = os.path.join(HERE, "..", "equivalence", "keras")
TOL = 1e-4
TIMEOUT = 120
DEFAULT_STEPS = 5


FORKED_PYTHON = os.path.join(HERE, "..", "support", "forked_python.py")


def run(cmd, cwd=None, env=None):
    # Python scripts start as children of the python zygote when one serves (torch imported).
    if cmd and cmd[0] == sys.executable and (env or os.environ).get("NNPORT_PYTHON_ZYGOTE"):
        cmd = [sys.executable, FORKED_PYTHON] + list(cmd[1:])
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, cwd=cwd,
                           env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {TIMEOUT}s"


def tail(text, n=20):
    lines = text.strip().splitlines()
    return "\n".join("    " + l for l in lines[-n:]) if lines else "    (empty)"


def result_line(stdout):
    lines = [l for l in stdout.splitlines() if l.startswith("RESULT ")]
    return lines[-1] if lines else None


class Broken(Exception):
    """The case itself is broken (its source side does not run): exit status 3."""


class Failed(Exception):
    """The migration failed the case: exit status 1."""


class Case:
    """One case's command line, work directory and report lines (`facts`)."""

    def __init__(self, argv, doc, direction):
        args = argv[1:]
        self.keep = "--keep" in args
        if self.keep:
            args.remove("--keep")
        workdir, steps = None, None
        for flag in ("--workdir", "--steps"):
            if flag in args:
                i = args.index(flag)
                if flag == "--workdir":
                    workdir = args[i + 1]
                else:
                    steps = int(args[i + 1])
                del args[i:i + 2]
        self.usage_error = len(args) != 2
        if self.usage_error:
            print(doc.split("\n\n")[1], file=sys.stderr)
            return
        self.script, self.nnport = os.path.abspath(args[0]), os.path.abspath(args[1])
        self.stem = os.path.splitext(os.path.basename(self.script))[0]
        self.label = f"training.{direction}.{self.stem}"
        self.node = os.environ.get("NODE") or "node"
        self.steps_flag = steps
        if workdir:
            os.makedirs(workdir, exist_ok=True)
        self.work = tempfile.mkdtemp(prefix=f"nnport-train-{direction}-{self.stem}.", dir=workdir)
        self.facts = []

    def steps(self, spec):
        """--steps, else the header's steps=, else 5."""
        if self.steps_flag is not None:
            return self.steps_flag
        return int(spec.get("steps", DEFAULT_STEPS))

    def finish(self, code, tag):
        for l in self.facts:
            print(f"  {l}")
        print(f"{tag} {self.label}")
        if code == 0 and not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"  work dir kept: {self.work}")
        return code


def check_migration(rc, err, report_path, py_out, spec, facts, exact_todo_count):
    """nnport's exit status, report status and TODO markers. expect=partial todo=L1,L2: the
    statements at those lines cannot be mapped; nnport must report each at its line
    (script-unsupported), mark it TODO and migrate the rest. `exact_todo_count`: one marker per
    line exactly (else at least one each)."""
    partial = spec.get("expect") == "partial"
    want_rc, want_status = (3, "partial") if partial else (0, "complete")
    if rc != want_rc:
        raise Failed(f"nnport exited {rc} (expected {want_rc} = {want_status}):\n{tail(err)}")
    with open(report_path) as f:
        report = json.load(f)
    if report.get("status") != want_status:
        raise Failed(f"report status {report.get('status')!r}, expected {want_status!r}")
    with open(py_out) as f:
        todos = f.read().count("TODO(nnport)")
    if partial:
        lines = sorted(int(l) for l in spec.get("todo", "").split(",") if l)
        reported = sorted({d.get("line") for d in report.get("diagnostics", [])
                           if d.get("code") == "script-unsupported"})
        if exact_todo_count:
            if reported != lines or todos != len(lines):
                raise Failed(f"expected script-unsupported at lines {lines} and {len(lines)} TODO markers; "
                             f"got lines {reported} and {todos} markers")
        elif reported != lines or todos < len(lines):
            raise Failed(f"expected script-unsupported at lines {lines} and a TODO marker each; "
                         f"got lines {reported} and {todos} markers")
        facts.append(f"reported at lines {reported}, {todos} TODO(nnport) markers")
    elif todos:
        raise Failed("the migrated script has TODO(nnport) markers despite exit 0")
    return report


def compare_losses(source_name, source, target_name, target, steps, facts):
    """The first `steps` losses of both sides agree within TOL; the source's are listed first."""
    want, got = source[:steps], target[:steps]
    if len(want) < steps or len(got) < steps:
        raise Failed(f"fewer than {steps} losses: {source_name} {len(want)}, {target_name} {len(got)}")
    diffs = [abs(a - b) for a, b in zip(want, got)]
    width = max(len(source_name), len(target_name)) + 1
    facts.append(f"losses {source_name + ':':<{width}} " + " ".join(f"{v:.6f}" for v in want))
    facts.append(f"losses {target_name + ':':<{width}} " + " ".join(f"{v:.6f}" for v in got))
    facts.append(f"max abs loss difference over {steps} steps: {max(diffs):.2e} (tolerance {TOL})")
    if not max(diffs) <= TOL:
        raise Failed(f"losses differ by {max(diffs):.2e} > {TOL}")
