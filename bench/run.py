"""`make bench`: run every bench/bench_*.py; each writes its JSON result (figures beside their
baseline, measured in the same run) into the output folder."""

import argparse
import subprocess
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    parser.add_argument("only", nargs="*", help="names of benchmarks to run (default: all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if args.only and name not in args.only:
            continue
        print(f"== {name} ==", flush=True)
        result = subprocess.run([sys.executable, str(script), "--out", str(args.out / f"{name}.json")], check=False)
        status |= result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
