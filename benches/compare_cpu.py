"""CPU time of `newsmill extract --threads 1` for two builds of newsmill on the same
pages, alternating, best of several rounds: what a change costs per page. The machine
is shared and noisy, so only the ratio of two figures taken together means anything.

    python3 benches/compare_cpu.py OLD_EXE NEW_EXE FOLDER [FOLDER ...]

Build OLD_EXE from an earlier commit in a worktree, e.g.
`git worktree add /tmp/base <rev> && cargo build --release --manifest-path /tmp/base/Cargo.toml`.
"""

import resource
import subprocess
import sys
import tempfile

ROUNDS = 5


def cpu(exe, folders):
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [exe, "extract", *folders, "--threads", "1", "--out", out, "--quiet"],
            check=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    old, new, folders = sys.argv[1], sys.argv[2], sys.argv[3:]
    best = {old: float("inf"), new: float("inf")}
    for _ in range(ROUNDS):
        for exe in (old, new):
            best[exe] = min(best[exe], cpu(exe, folders))
    print(f"old {best[old]:.3f} s CPU, new {best[new]:.3f} s CPU, new/old {best[new] / best[old]:.3f}")


if __name__ == "__main__":
    main()
