"""The ``capacity`` command: validate, synth, keygen, pseudonymise, report, sweep.

Each subcommand is a thin wrapper over a function in the package; errors raised on purpose
(:class:`~capacity.exceptions.CapacityError`) are printed as plain messages with exit code 2,
never as tracebacks. ``capacity --help`` and ``capacity <command> --help`` describe each
command with an example; paths on the command line are relative to the current folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from capacity.exceptions import CapacityError, ParameterError

PARAMS_DOC = "docs/parameters.md"
EPILOG = (
    "Run 'capacity COMMAND --help' for a command's options and an example. Report parameters "
    f"(names, ranges, meaning): {PARAMS_DOC}; the data contract: docs/data-contract.md."
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("capacity")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _cmd_validate(args: argparse.Namespace) -> int:
    from capacity.dataset import load_dataset

    # an explicit check always runs the checks (never the validated-dataset cache)
    ds = load_dataset(_from_cwd(args.folder), cache=False)
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


def _rename_pairs(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ParameterError(
                f"--rename {pair!r}: write OLD=NEW, e.g. --rename phone=person_id."
            )
        out[old.strip()] = new.strip()
    return out


def _channels(text: str | None) -> tuple[str, ...] | None:
    """``"online,street"`` → ``("online", "street")``; ``"none"`` → ``()`` (search only)."""
    if text is None:
        return None
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    return () if names in ((), ("none",)) else names


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
        "screening_channels": _channels(args.screening_channels),
        "online_conversation_share": args.online_conversation_share,
        "written_languages": _channels(args.written_languages),
    }
    options = {k: v for k, v in options.items() if v is not None}
    return dataclasses.replace(SynthConfig(), **options) if options else None


def _cmd_pseudonymise(args: argparse.Namespace) -> int:
    from capacity.privacy import pseudonymise_file

    rename = _rename_pairs(args.rename)
    unknown = sorted(set(rename) - set(args.column))
    if unknown:
        raise ParameterError(
            f"--rename names column(s) {unknown} that are not pseudonymised; rename only "
            f"columns given with --column ({', '.join(args.column)})."
        )
    report = pseudonymise_file(
        args.input,
        args.output,
        columns=args.column,
        key_file=args.key_file,
        drop=args.drop,
        rename=rename,
    )
    print(report)
    return 0


def _cmd_keygen(args: argparse.Namespace) -> int:
    from capacity.privacy import generate_key_file

    path = generate_key_file(args.key_file)
    print(f"wrote a new secret key to {path} (readable by you only). Keep it out of git and")
    print("out of data/: anyone with the key can test whether a phone number is in the data.")
    return 0


def _from_cwd(path: Path | None) -> Path | None:
    """A command-line path, relative to the current folder (as papermill reads ``-f``)."""
    return None if path is None else Path(path).expanduser().absolute()


def _params_from_args(args: argparse.Namespace):
    from capacity.config import Params

    overrides = dict(_split_kv(p) for p in (args.parameters or []))
    if args.file:
        return Params.from_yaml(_from_cwd(args.file), **overrides)
    return Params.from_mapping(overrides)


def _split_kv(pair: list[str]) -> tuple[str, str]:
    name, value = pair
    return name, value


def _cmd_report(args: argparse.Namespace) -> int:
    from capacity.report import run_report

    params = _params_from_args(args)
    run = run_report(params, notebook=args.notebook, formats=args.formats, progress=not args.quiet)
    print(run)
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from capacity.report import run_sweep

    params = _params_from_args(args)
    result = run_sweep(
        params, grid_file=_from_cwd(args.grid), jobs=args.jobs, progress=not args.quiet
    )
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


class _Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after each option that has one; descriptions and examples as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, [], False) or action.default is argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


def _sub(sub, name: str, summary: str, description: str, examples: list[str]):
    text = f"{description}\n\nexample{'s' if len(examples) > 1 else ''}:\n"
    text += "\n".join(f"  {e}" for e in examples)
    return sub.add_parser(
        name, help=summary, description=text, epilog=EPILOG, formatter_class=_Help
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``capacity`` command and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="capacity",
        description=(
            "Do a city's outreach teams have the staff and competence to reach a mobile "
            "target group?\nCheck a dataset, pseudonymise raw exports, render committee "
            "reports and scenario sweeps.\n\n"
            "The own-data path (see README.md, 'Use it on your own data'):\n"
            "  capacity keygen ~/capacity.key\n"
            "  capacity pseudonymise export/sightings_raw.csv data/raw/my-city/sightings.csv \\\n"
            "      --column phone --rename phone=person_id --key-file ~/capacity.key\n"
            "  capacity validate data/raw/my-city\n"
            "  capacity report -f params/my-city.yaml"
        ),
        epilog=EPILOG,
        formatter_class=_Help,
    )
    parser.add_argument("--version", action="version", version=f"capacity {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _sub(
        sub,
        "validate",
        "check a dataset folder against the data contract",
        "Read every table of a dataset folder (sightings, outreach, staff, operations and\n"
        "datapackage.json), check it against the data contract (docs/data-contract.md), look\n"
        "for personal identifiers, and list every problem at once (file, row, column, value,\n"
        "rule, what to do). Exits 0 when the folder is fine, 2 otherwise; never changes the data.",
        ["capacity validate data/raw/stockholm-2025"],
    )
    p.add_argument("folder", type=Path, help="dataset folder (relative to the current folder)")
    p.set_defaults(func=_cmd_validate)

    p = _sub(
        sub,
        "synth",
        "write a synthetic dataset with known truth",
        "Simulate a target group moving between Swedish cities, the sources that see it and\n"
        "the outreach teams, and write the four tables, datapackage.json and the true values\n"
        "(truth/) into a new folder. Every file says it is synthetic.",
        [
            "capacity synth /tmp/world --seed 7",
            "capacity synth data/sample --seed 20261128 --sample",
        ],
    )
    p.add_argument("out", type=Path, help="folder to write (created)")
    p.add_argument("--seed", type=int, default=1, help="random seed")
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
    g.add_argument(
        "--screening-channels",
        metavar="CH[,CH]",
        help="outreach channels that screen new arrivals as a queue instead of searching "
        "(docs/methods/strategy.md): 'online' = the mix of Swedish practice (online screens "
        "new ads, street and venue work search), 'online,street,venue' = screening only, "
        "'none' = random search everywhere (the default)",
    )
    g = p.add_argument_group(
        "levels of reach in the truth (docs/methods/reach.md, 'Levels of reach')"
    )
    g.add_argument(
        "--online-conversation-share",
        type=float,
        help="share of online contacts that are calls or meetings (conversations, level b); "
        "default 0: only street, venue and operation contacts are conversations",
    )
    g.add_argument(
        "--written-languages",
        metavar="L[,L]",
        help="ISO 639-1 codes of written information: a written online contact in one of "
        "them reaches a woman at level a (default none)",
    )
    p.set_defaults(func=_cmd_synth)

    p = _sub(
        sub,
        "pseudonymise",
        "replace identifier columns by keyed-hash pseudonyms",
        "Replace identifier columns (phone numbers, names, personal identity numbers) of one\n"
        "table by keyed-hash pseudonyms (HMAC-SHA256 under your secret key) and write a new\n"
        "file; the original is never changed. Free-text columns are dropped; a column that\n"
        "still holds identifiers stops the run and nothing is written. Name the pseudonym\n"
        "column as the data contract does with --rename (sightings need 'person_id').",
        [
            "capacity pseudonymise export/sightings_raw.csv data/raw/stockholm-2025/sightings.csv \\\n"
            "      --column phone --rename phone=person_id --drop ad_text --key-file ~/capacity.key"
        ],
    )
    p.add_argument("input", type=Path, help="raw table (CSV, XLSX or Parquet), kept outside data/")
    p.add_argument("output", type=Path, help="table to write (format from the suffix)")
    p.add_argument(
        "--column",
        action="append",
        required=True,
        help="identifier column to pseudonymise (repeat)",
    )
    p.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="name of a pseudonymised column in the output (repeat), e.g. phone=person_id; "
        "by default an identifier-like name gets the suffix _pseudonym",
    )
    p.add_argument("--key-file", type=Path, required=True, help="file holding the secret key")
    p.add_argument(
        "--drop",
        action="append",
        default=[],
        help="column to drop (repeat), e.g. free text such as an ad's text",
    )
    p.set_defaults(func=_cmd_pseudonymise)

    p = _sub(
        sub,
        "keygen",
        "make a new secret key file for pseudonymise",
        "Write a new random 32-byte key, readable by you only. Make it once per organisation,\n"
        "use it for every file (same person, same pseudonym), keep it out of git and data/.\n"
        "An existing key file is never overwritten.",
        ["capacity keygen ~/capacity.key"],
    )
    p.add_argument("key_file", type=Path, help="where to write the key (must not exist)")
    p.set_defaults(func=_cmd_keygen)

    p = _sub(
        sub,
        "clean",
        "remove the partial folders of killed report runs",
        "A report renders into <output_dir>/.<run-id>.partial/ and renames it when done. A run\n"
        "that was killed leaves that folder behind; the next run removes it, and so does this\n"
        "command. Folders of runs still alive (or of another host) are left alone.",
        ["capacity clean", "capacity clean reports/"],
    )
    p.add_argument("output_dir", nargs="?", type=Path, help="report folder (default reports/)")
    p.set_defaults(func=_cmd_clean)

    for name, func, summary, description, examples in (
        (
            "report",
            _cmd_report,
            "render a report into reports/<run-id>/",
            "Run a notebook with papermill on validated parameters and render it as an\n"
            "accessible PDF, HTML and Excel tables with provenance.json, into\n"
            "<output_dir>/<run-id>/ (the folder appears only when every output exists).\n"
            "Parameters come from -f FILE, then each -p NAME VALUE; unknown names, values\n"
            "out of range and a city or period the data do not hold are refused before the\n"
            f"kernel starts. Every parameter is listed in {PARAMS_DOC}.",
            [
                "capacity report -f params/stockholm.yaml",
                "capacity report -f params/my-city.yaml -p period_end 2025-06-30 -p language en",
                "capacity report -f params/stockholm.yaml --notebook data_quality --formats pdf",
            ],
        ),
        (
            "sweep",
            _cmd_sweep,
            "render a grid of scenarios and compare them",
            "Fit the models once, evaluate every combination of the grid's scenario\n"
            "parameters (extra_fte, stay_multiplier, arrivals_multiplier, target_reach,\n"
            "strategy) and render one comparison report (comparison.csv, comparison.xlsx,\n"
            f"report.pdf). Parameters as for 'capacity report' ({PARAMS_DOC}).",
            ["capacity sweep -f params/stockholm.yaml --grid params/sweep-grid.yaml --jobs 2"],
        ),
    ):
        p = _sub(sub, name, summary, description, examples)
        p.add_argument(
            "-f", "--file", type=Path, help="parameter file (YAML), relative to the current folder"
        )
        p.add_argument(
            "-p",
            "--parameters",
            nargs=2,
            action="append",
            metavar=("NAME", "VALUE"),
            help=f"override one parameter (repeat); names in {PARAMS_DOC}",
        )
        p.add_argument(
            "-q", "--quiet", action="store_true", help="no progress bars (for scripts and logs)"
        )
        p.set_defaults(func=func)
        if name == "report":
            p.add_argument(
                "--notebook",
                default="committee_report",
                help="notebook in notebooks/ (name without .ipynb) or a path to one",
            )
            p.add_argument(
                "--formats",
                default="pdf,html,xlsx",
                help="outputs besides the executed notebook (comma-separated)",
            )
        else:
            p.add_argument(
                "--grid",
                type=Path,
                help="YAML file with the scenario grid, relative to the current folder "
                "(default: params/sweep-grid.yaml of the project)",
            )
            p.add_argument("--jobs", type=int, default=2, help="parallel worker processes")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``capacity`` command with ``argv``; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CapacityError as exc:
        print(f"capacity {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
