"""How fast and in how much memory the commands refuse or read every hostile file.

Each file of the corpus (tests/hostile/, plus the files at the limits made by
``scripts/make_hostile.py``) goes through ``okrsheet score``, ``check`` and ``summary`` as a
command, once, timed from the outside including Python start-up. Budget per run: 2 s and
200 MB (docs/hostile-files.md). tests/test_hostile_cli.py holds the exit statuses, messages
and memory; times are measured only here, where a loaded machine can't fail a test.
Run: python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_hostile import CORPUS, large_corpus  # noqa: E402

BUDGET_SECONDS, BUDGET_MEGABYTES = 2.0, 200
COMMANDS = ("score", "check", "summary")

# Started from this small launcher, the command's peak memory is its own (forked from a
# large parent process, ru_maxrss would start at the parent's size).
LAUNCHER = r"""
import json, os, resource, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - start
peak = max(usage.ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"status": os.waitstatus_to_exitcode(status), "seconds": seconds,
                  "megabytes": peak / 1024}))
"""


def measure(command: str, path: Path, cwd: str) -> dict:
    launched = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-m", "okrsheet",
                               command, str(path)], cwd=cwd, capture_output=True, text=True,
                              check=True, timeout=120)
    return json.loads(launched.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="okrsheet-bench-hostile-") as folder:
        large = Path(folder) / "large"
        large.mkdir()
        for name, data in large_corpus().items():
            (large / name).write_bytes(data)
        files = [*sorted(CORPUS.iterdir()), *sorted(large.iterdir())]
        print(f"{'file':40} " + " ".join(f"{command:>20}" for command in COMMANDS))
        over = []
        for path in files:
            cells = []
            for command in COMMANDS:
                run = measure(command, path, folder)
                cells.append(f"{run['status']}, {run['seconds']:5.2f} s, {run['megabytes']:4.0f} MB")
                if run["seconds"] > BUDGET_SECONDS or run["megabytes"] > BUDGET_MEGABYTES:
                    over.append(f"{path.name} {command}")
            print(f"{path.name:40} " + " ".join(f"{cell:>20}" for cell in cells))
    print(f"\n{len(files) * len(COMMANDS)} runs (exit status, wall time, peak RSS); "
          f"over the {BUDGET_SECONDS:g} s / {BUDGET_MEGABYTES} MB budget: {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()
