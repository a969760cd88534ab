"""The ``capacity`` command: validate, synth, keygen, pseudonymise, report, sweep.

Each subcommand is a thin wrapper over a function in the package; errors raised on purpose
(:class:`~capacity.exceptions.CapacityError`) are printed as plain messages with exit code 2,
never as tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from capacity.exceptions import CapacityError


def _cmd_validate(args: argparse.Namespace) -> int:
    from capacity.dataset import load_dataset

    ds = load_dataset(args.folder)
    print(ds.describe())
    print(f"OK: {args.folder} meets the data contract.")
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from capacity.synth import write_synthetic

    written = write_synthetic(
        args.out,
        seed=args.seed,
        sample=args.sample,
        scale=args.scale,
        n_cities=args.cities,
        config=_synth_config(args),
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def _synth_config(args: argparse.Namespace):
    """The SynthConfig of the command's world options (None: the calibrated world)."""
    import dataclasses

    from capacity.synth import SynthConfig

    options = {
        "stay_distribution": args.stays,
        "weibull_shape": args.weibull_shape,
        "lognormal_sdlog": args.lognormal_sdlog,
        "ads_capture": args.ads_capture.replace("-", "_") if args.ads_capture else None,
        "p_ads_per_day_a": args.p_ads_per_day[0] if args.p_ads_per_day else None,
        "p_ads_per_day_b": args.p_ads_per_day[1] if args.p_ads_per_day else None,
        "p_invisible_ads": args.invisible_to_ads,
        "outreach_from_ads": args.outreach_from_ads,
        "burn_in_days": args.burn_in_days,
    }
    options = {k: v for k, v in options.items() if v is not None}
    return dataclasses.replace(SynthConfig(), **options) if options else None


def _cmd_pseudonymise(args: argparse.Namespace) -> int:
    from capacity.privacy import pseudonymise_file

    report = pseudonymise_file(
        args.input, args.output, columns=args.column, key_file=args.key_file, drop=args.drop
    )
    print(report)
    return 0


def _cmd_keygen(args: argparse.Namespace) -> int:
    from capacity.privacy import generate_key_file

    path = generate_key_file(args.key_file)
    print(f"wrote a new secret key to {path} (readable by you only). Keep it out of git and")
    print("out of data/: anyone with the key can test whether a phone number is in the data.")
    return 0


def _params_from_args(args: argparse.Namespace):
    from capacity.config import Params

    overrides = dict(_split_kv(p) for p in (args.parameters or []))
    if args.file:
        return Params.from_yaml(args.file, **overrides)
    return Params.from_mapping(overrides)


def _split_kv(pair: list[str]) -> tuple[str, str]:
    name, value = pair
    return name, value


def _cmd_report(args: argparse.Namespace) -> int:
    from capacity.report import run_report

    params = _params_from_args(args)
    run = run_report(params, notebook=args.notebook, formats=args.formats)
    print(run)
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from capacity.report import run_sweep

    params = _params_from_args(args)
    result = run_sweep(params, grid_file=args.grid, jobs=args.jobs)
    print(result)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capacity",
        description="Outreach capacity against a mobile target group: data checks, models, reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a dataset folder against the data contract")
    p.add_argument("folder", type=Path)
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("synth", help="write a synthetic dataset with known truth")
    p.add_argument("out", type=Path)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", type=float, default=1.0, help="multiply the target group's size")
    p.add_argument("--sample", action="store_true", help="the small shipped sample's settings")
    p.add_argument("--cities", type=int, help="number of cities (default 6 with --sample, else 20)")
    g = p.add_argument_group(
        "worlds that break the estimators' assumptions (docs/synthetic-data.md)"
    )
    g.add_argument("--stays", choices=["weibull", "lognormal"], help="stay-length distribution")
    g.add_argument("--weibull-shape", type=float, help="Weibull shape (default 0.8)")
    g.add_argument("--lognormal-sdlog", type=float, help="lognormal log-scale SD (default 1.2)")
    g.add_argument(
        "--ads-capture",
        choices=["per-stay", "per-day"],
        help="ad sites capture an ad once per stay (default) or see each day present",
    )
    g.add_argument(
        "--p-ads-per-day",
        type=float,
        nargs=2,
        metavar=("A", "B"),
        help="daily chance that site A / B sees a present advertiser (per-day capture)",
    )
    g.add_argument("--invisible-to-ads", type=float, help="share of persons who never advertise")
    g.add_argument(
        "--outreach-from-ads",
        type=float,
        help="online outreach contacts persons seen on the ads this many times as often",
    )
    g.add_argument("--burn-in-days", type=int, help="days simulated before the period (365)")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("pseudonymise", help="replace identifier columns by keyed-hash pseudonyms")
    p.add_argument("input", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--column", action="append", required=True, help="identifier column (repeat)")
    p.add_argument("--key-file", type=Path, required=True, help="file holding the secret key")
    p.add_argument("--drop", action="append", default=[], help="extra column to drop (repeat)")
    p.set_defaults(func=_cmd_pseudonymise)

    p = sub.add_parser("keygen", help="make a new secret key file for pseudonymise")
    p.add_argument("key_file", type=Path)
    p.set_defaults(func=_cmd_keygen)

    for name, func, text in (
        ("report", _cmd_report, "render a report into reports/<run-id>/"),
        ("sweep", _cmd_sweep, "render a grid of scenarios and compare them"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("-f", "--file", type=Path, help="parameter file (params/*.yaml)")
        p.add_argument(
            "-p",
            "--parameters",
            nargs=2,
            action="append",
            metavar=("NAME", "VALUE"),
            help="override one parameter (repeat)",
        )
        p.set_defaults(func=func)
        if name == "report":
            p.add_argument("--notebook", default="committee_report", help="notebook to render")
            p.add_argument(
                "--formats",
                default="pdf,html,xlsx",
                help="outputs besides the executed notebook (comma-separated)",
            )
        else:
            p.add_argument("--grid", type=Path, help="YAML file with the scenario grid")
            p.add_argument("--jobs", type=int, default=2, help="parallel renderings")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CapacityError as exc:
        print(f"capacity {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
