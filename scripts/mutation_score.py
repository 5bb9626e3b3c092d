"""The mutation score of a ``make mutate`` run, from mutmut's own results.

    python scripts/mutation_score.py DIR [--min 85] PATTERN...

DIR is where mutmut ran; PATTERNs (shell globs on mutmut's mutant names, as given to
``mutmut run``) pick the mutants that count. A mutant is *detected* when a test failed
(killed), hung (timeout) or crashed on it; *undetected* when every test passed
(survived) or no test ran it (no tests). The score is detected / (detected +
undetected); mutants never run are left out and reported. Prints one line per module,
the survivors by name, and exits 1 below ``--min``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter, defaultdict
from fnmatch import fnmatch
from pathlib import Path

DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
UNDETECTED = {"survived", "no tests", "suspicious"}


def results(folder: Path) -> dict[str, str]:
    """Mutant name -> status, as ``mutmut results --all true`` lists them."""
    mutmut = Path(sys.executable).with_name("mutmut")
    done = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=folder, check=True,
                          capture_output=True, text=True)
    out = {}
    for line in done.stdout.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            out[name] = status
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("patterns", nargs="+")
    parser.add_argument("--min", type=float, default=0.0, help="lowest passing score, in %%")
    args = parser.parse_args(argv)
    chosen = {k: v for k, v in results(args.folder).items()
              if any(fnmatch(k, p) for p in args.patterns)}
    if not chosen:
        print(f"no mutants in {args.folder} match {args.patterns}: run `make mutate` first")
        return 1
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in chosen.items():
        by_module[name.partition(".x")[0]][status] += 1
    total: Counter[str] = Counter()
    print(f"{'module':28} {'detected':>9} {'undetected':>11} {'not run':>8} {'score':>7}")
    for module, counts in sorted(by_module.items()):
        total.update(counts)
        print(_row(module, counts))
    print(_row("all", total))
    survivors = sorted(k for k, v in chosen.items() if v in UNDETECTED)
    if survivors:
        print(f"\n{len(survivors)} undetected (see them with `mutmut show NAME` in "
              f"{args.folder}):")
        print("\n".join(f"  {name}: {chosen[name]}" for name in survivors))
    score = _score(total)
    if score < args.min:
        print(f"\nmutation score {score:.1f}% is below the required {args.min:.0f}%")
        return 1
    return 0


def _score(counts: Counter[str]) -> float:
    detected = sum(counts[s] for s in DETECTED)
    judged = detected + sum(counts[s] for s in UNDETECTED)
    return 100.0 * detected / judged if judged else 0.0


def _row(module: str, counts: Counter[str]) -> str:
    detected = sum(counts[s] for s in DETECTED)
    undetected = sum(counts[s] for s in UNDETECTED)
    not_run = sum(counts.values()) - detected - undetected
    return (f"{module:28} {detected:>9} {undetected:>11} {not_run:>8} "
            f"{_score(counts):>6.1f}%")


if __name__ == "__main__":
    sys.exit(main())
