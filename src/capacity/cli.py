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
    from capacity.io import load_dataset

    ds = load_dataset(args.folder)
    print(ds.describe())
    print(f"OK: {args.folder} meets the data contract.")
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from capacity.synth import write_synthetic

    written = write_synthetic(args.out, seed=args.seed, sample=args.sample, scale=args.scale)
    for path in written:
        print(f"wrote {path}")
    return 0


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


def _cmd_clean(args: argparse.Namespace) -> int:
    from capacity.config import Params, resolve
    from capacity.report.runfolder import clean_stale

    root = resolve(args.output_dir) if args.output_dir else Params().output_path
    removed = clean_stale(root)
    for folder in removed:
        print(f"removed {folder} (its run was killed)")
    print(f"{len(removed)} unfinished run folder(s) removed from {root}.")
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

    p = sub.add_parser("clean", help="remove the partial folders of killed report runs")
    p.add_argument("output_dir", nargs="?", type=Path, help="report folder (default reports/)")
    p.set_defaults(func=_cmd_clean)

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
