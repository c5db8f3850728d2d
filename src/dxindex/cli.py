"""Command line: `dxindex compute | audit | uncertainty --meta FRAMEWORK --data DATA [method flags]`."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .errors import InputError
from .io import read_data, read_framework, write_result
from .pipeline import compute

DESCRIPTION = """\
Composite-index engine of dxboard. Frameworks: native YAML, COINr iMeta CSV or XLSX.
Data: long CSV/XLSX (unit, indicator, value[, period][, state][, kind]) or COINr iData CSV.
Points frameworks (model: points) ignore the statistical flags and output node values on [0, 1].
"""

METHOD_HELP = {
    "denominate": "divide each indicator by its iMeta Denominator column before anything else",
    "impute": "none | mean | median | mean_grp:GROUPCOL | median_grp:GROUPCOL | panel[:max_time] (default none)",
    "screen_threshold": "drop units with a smaller share of available indicators (COINr Screen byNA)",
    "treat": "none | winsorise[:winmax] (COINr Treat: winsorise, then log_CT if still skewed; default none)",
    "normalise": "minmax:l,u | zscore:m,s | dist2max | dist2targ[:cap] | rank | prank | borda | fracmax | "
    "goalposts:l,u,a | none (default minmax:0,100)",
    "normalise_per_period": "panel data: scale each period on its own (default: one scale over all periods, "
    "as COINr's Normalise.purse)",
    "aggregate": "METHOD for every level, or LEVEL=METHOD,...: amean | gmean | hmean | genmean:p | sum | "
    "copeland (default amean)",
    "dat_thresh": "minimum share of available children for an aggregate to be computed (default none)",
    "period": "compute one period only (default every period; output then has a Time column)",
}


def _aggregate(spec: str) -> str | dict[int, str]:
    if "=" not in spec:
        return spec
    out: dict[int, str] = {}
    for part in spec.split(","):
        level, _, method = part.partition("=")
        if not level.strip().isdigit() or not method.strip():
            raise argparse.ArgumentTypeError(f"expected LEVEL=METHOD, got {part!r}")
        out[int(level)] = method.strip()
    return out


def _inputs(parser: argparse.ArgumentParser, alternatives: bool = False) -> None:
    """Inputs and method flags; with `alternatives`, --impute/--normalise/--aggregate may repeat
    (uncertainty draws among them, the first being the nominal choice)."""
    many = {"action": "append"} if alternatives else {}
    again = " (repeat to give alternatives; the first is nominal)" if alternatives else ""
    parser.add_argument("--meta", required=True, metavar="FRAMEWORK", help="framework: .yaml, iMeta .csv or .xlsx")
    parser.add_argument("--data", required=True, metavar="DATA", help="data: long or iData, .csv or .xlsx")
    parser.add_argument("--denominate", action="store_true", help=METHOD_HELP["denominate"])
    parser.add_argument("--impute", metavar="M", help=METHOD_HELP["impute"] + again, **many)
    parser.add_argument("--screen-threshold", type=float, metavar="F", help=METHOD_HELP["screen_threshold"])
    parser.add_argument("--treat", metavar="none|winsorise[:winmax]", help=METHOD_HELP["treat"])
    parser.add_argument("--normalise", metavar="M", help=METHOD_HELP["normalise"] + again, **many)
    parser.add_argument("--normalise-per-period", action="store_true", help=METHOD_HELP["normalise_per_period"])
    parser.add_argument(
        "--aggregate", type=_aggregate, metavar="M|LEVEL=M,...", help=METHOD_HELP["aggregate"] + again, **many
    )
    parser.add_argument("--dat-thresh", type=float, metavar="F", help=METHOD_HELP["dat_thresh"])
    parser.add_argument("--period", metavar="P", help=METHOD_HELP["period"])
    parser.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def _epilog() -> str:
    flags = "\n".join(f"  --{name.replace('_', '-'):<18} {text}" for name, text in METHOD_HELP.items())
    return (
        "method flags (compute, audit, uncertainty; COINr order: denominate, impute, screen, treat,\n"
        "normalise, aggregate, rank):\n"
        f"{flags}\n\n"
        "output: CSV is wide: uCode, [Time,] then one column per node (indicators after treatment and\n"
        "normalisation, then aggregates). --ranks gives ranks (1 = best, ties at the minimum).\n"
        "JSON adds the method, inputs_sha256, group ranks and, for points frameworks, points, maximum\n"
        "points and the maximum points resting on each state (submitted, not_submitted,\n"
        "not_applicable, rejected).\n"
        "audit writes JSON tables; uncertainty writes one row per unit (CSV or JSON).\n"
        "`dxindex COMMAND --help` lists the flags of each command.\n\n"
        "examples:\n"
        "  dxindex compute --meta frameworks/dti-2022-province.yaml --data dti.csv --ranks\n"
        "  dxindex compute --meta ASEM_iMeta.csv --data ASEM_iData.csv --denominate \\\n"
        "      --impute mean_grp:EurAsia_group --treat winsorise:5 --aggregate 2=amean,3=gmean\n"
        "  dxindex uncertainty --meta ASEM_iMeta.csv --data ASEM_iData.csv --n 1000 --seed 1 \\\n"
        "      --normalise minmax:1,100 --normalise rank\n\n"
        "bad input exits with status 2 and a message naming file, row, column and reason (en, vi)."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dxindex",
        description=DESCRIPTION,
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    comp = commands.add_parser("compute", help="compute scores (and ranks) of every node for every unit")
    _inputs(comp)
    comp.add_argument(
        "--ranks",
        action="store_true",
        help="CSV: ranks (1 = best, ties at min) instead of scores; JSON: add overall and group ranks",
    )
    comp.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")
    if importlib.util.find_spec("dxindex.audit") is not None:
        audit = commands.add_parser(
            "audit",
            help="statistical audit (JSON): indicator statistics, correlations, Cronbach's alpha, PCA, "
            "strengths and weaknesses; for points frameworks the cheapest points left per unit",
        )
        _inputs(audit)
        audit.add_argument("--top", type=int, default=3, metavar="K", help="strengths/weaknesses per unit")
    if importlib.util.find_spec("dxindex.uncertainty") is not None:
        unc = commands.add_parser(
            "uncertainty",
            help="rank uncertainty under noisy weights and alternative methods: nominal, median, q05, q95, "
            "mean_abs_shift per unit",
        )
        _inputs(unc, alternatives=True)
        unc.add_argument("--n", type=int, default=1000, metavar="N", help="number of draws (default 1000)")
        unc.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
        unc.add_argument("--weight-noise", type=float, default=0.25, metavar="E", help="w x (1 + E U(-1,1))")
        unc.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")
    return parser


def method_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The compute() keywords the user set; unset flags keep the engine defaults."""
    names = ("impute", "screen_threshold", "treat", "normalise", "aggregate", "dat_thresh", "period")
    settings: dict[str, Any] = {n: getattr(args, n) for n in names if getattr(args, n) is not None}
    if args.denominate:
        settings["denominate"] = True
    if args.normalise_per_period:
        settings["normalise_global"] = False
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        framework = read_framework(args.meta)
        data = read_data(args.data)
        settings = method_settings(args)
        with _output(args.out) as out:
            if args.command == "compute":
                result = compute(framework, data, **settings)
                write_result(result, out, fmt=args.format, ranks=args.ranks)
            elif args.command == "audit":
                from .audit import audit

                period = settings.pop("period", None)
                tables = audit(framework, data, period=period, top=args.top, **settings)
                _dump({name: _records(table) for name, table in tables.items()}, out)
            else:
                _uncertainty(framework, data, args, settings, out)
    except BrokenPipeError:
        return 0  # the reader (e.g. `head`) has what it wanted
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"error: {exc}\nlỗi: {exc}", file=sys.stderr)
        return 2
    return 0


def _uncertainty(framework, data, args: argparse.Namespace, settings: dict[str, Any], out) -> None:
    from .uncertainty import uncertainty

    plural = {"impute": "imputations", "normalise": "normalisations", "aggregate": "aggregations"}
    kwargs = {plural.get(k, k): v for k, v in settings.items()}
    table = uncertainty(framework, data, n=args.n, seed=args.seed, weight_noise=args.weight_noise, **kwargs)
    if args.format == "csv":
        table.reset_index().to_csv(out, index=False, na_rep="NA")
    else:
        _dump(_records(table), out)


def _records(table) -> list[dict[str, Any]]:
    # a plain row number carries nothing; any other index (uCode, iCode, aggregate) is data
    frame = table if isinstance(table.index, pd.RangeIndex) else table.reset_index()
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


@contextlib.contextmanager
def _output(path: str | None):
    if path is None:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


def _dump(report: Any, out) -> None:
    json.dump(report, out, ensure_ascii=False, indent=2, default=_plain)
    out.write("\n")


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)  # numpy scalars
    return item() if callable(item) else str(value)


if __name__ == "__main__":
    raise SystemExit(main())
