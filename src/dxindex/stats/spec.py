"""Method specification strings shared by every statistical step.

A method is named on the command line and in framework files as ``NAME`` or ``NAME:ARG,ARG``:
``minmax:0,100``, ``zscore:10,2``, ``genmean:0.5``, ``mean_grp:GDP_group``.

    parse_method(spec: str) -> tuple[str, tuple[float | str, ...]]

Numeric arguments come back as ``float``; anything else stays a string (a group column name).
"""

from __future__ import annotations

from dxindex.errors import InputError


def parse_method(spec: str) -> tuple[str, tuple[float | str, ...]]:
    """Split ``"name:a,b"`` into ``("name", (a, b))``; ``"name"`` gives ``("name", ())``.

    >>> parse_method("minmax:0,100")
    ('minmax', (0.0, 100.0))
    >>> parse_method("mean_grp:GDP_group")
    ('mean_grp', ('GDP_group',))
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(
            f"method must be a non-empty string, got {spec!r}",
            f"phương pháp phải là một chuỗi không rỗng, nhận được {spec!r}",
        )
    name, _, rest = spec.strip().partition(":")
    name = name.strip().lower()
    args: list[float | str] = []
    if rest.strip():
        for part in rest.split(","):
            part = part.strip()
            try:
                args.append(float(part))
            except ValueError:
                args.append(part)
    return name, tuple(args)


def check_args(name: str, args: tuple, n_min: int, n_max: int, *, numeric: bool = True) -> None:
    """Raise a bilingual error when a method got the wrong number or kind of arguments."""
    if not n_min <= len(args) <= n_max:
        want = str(n_min) if n_min == n_max else f"{n_min}-{n_max}"
        raise InputError(
            f"method {name!r} takes {want} argument(s), got {len(args)}",
            f"phương pháp {name!r} nhận {want} tham số, nhận được {len(args)}",
        )
    if numeric and any(not isinstance(a, float) for a in args):
        raise InputError(
            f"method {name!r} takes numeric arguments, got {args!r}",
            f"phương pháp {name!r} cần tham số số, nhận được {args!r}",
        )


def unknown(kind_en: str, kind_vi: str, name: str, known: tuple[str, ...]) -> InputError:
    return InputError(
        f"unknown {kind_en} method {name!r}; known: {', '.join(known)}",
        f"phương pháp {kind_vi} không hợp lệ {name!r}; hợp lệ: {', '.join(known)}",
    )
