"""Paths from one place, and the one validated parameter object per report run.

Paths are anchored at the project root (the folder holding ``pyproject.toml``), never at
the working directory, so notebooks run by papermill from anywhere find the same files.

Parameters are a frozen dataclass, :class:`Params`. Build it with :meth:`Params.from_mapping`
right after a notebook's papermill ``parameters`` cell: unknown names and out-of-range values
are refused with a :class:`~capacity.exceptions.ParameterError` naming the parameter and the
allowed values. New scenarios use :func:`dataclasses.replace` (or :meth:`Params.replace`,
which validates), never mutation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capacity.exceptions import ParameterError


def _find_root() -> Path:
    env = os.environ.get("CAPACITY_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "src" / "capacity").exists():
            return parent
    return Path.cwd().resolve()


ROOT: Path = _find_root()
DATA_DIR: Path = ROOT / "data"
SAMPLE_DIR: Path = DATA_DIR / "sample"
RAW_DIR: Path = DATA_DIR / "raw"
REPORTS_DIR: Path = ROOT / "reports"
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
PARAMS_DIR: Path = ROOT / "params"
PACKAGE_DATA: Path = Path(__file__).resolve().parent / "data"


def resolve(path: str | os.PathLike) -> Path:
    """A path as given if absolute, else relative to the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (ROOT / p)


def _param(default, *, doc: str, choices=None, low=None, high=None, unit: str = ""):
    meta = {"doc": doc, "choices": choices, "low": low, "high": high, "unit": unit}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: default.copy(), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Params:
    """Every parameter of a report run, validated on construction.

    See ``docs/parameters.md`` (generated from this class by :func:`parameters_table`) for
    names, types, defaults, ranges and meaning.
    """

    # --- what to analyse -------------------------------------------------------------
    data_dir: str = _param(
        "data/sample", doc="Folder with the four tables (relative to the project root or absolute)."
    )
    city: str = _param("Stockholm", doc="City the report is about (must appear in the data).")
    period_start: dt.date = _param(dt.date(2022, 1, 1), doc="First day of the analysis period.")
    period_end: dt.date = _param(dt.date(2025, 12, 31), doc="Last day of the analysis period.")
    language: str = _param("sv", doc="Report language.", choices=("sv", "en"))
    # --- the model ----------------------------------------------------------------------
    gap_days: int = _param(
        28,
        doc="Largest gap between two sightings in one city that still counts as the same stay. "
        "Make it about twice the longest interval between two looks of one source (the sample's "
        "ad sites are scraped weekly and fortnightly, so 28); too small splits stays.",
        low=1,
        high=120,
        unit="days",
    )
    stay_model: str = _param(
        "margins",
        doc="How stay lengths are corrected for the days no source sees: 'margins' spreads "
        "each stay over the unseen days its source set's gaps imply (flat prior); "
        "'deconvolve' merges stays split by missed sightings and estimates the lengths per "
        "start year by EM under each kind of source's daily sighting rate, refitted in every "
        "bootstrap replicate (right where sources see a present person day by day; see "
        "docs/methods/stays.md for what each gets wrong); 'deconvolve_sites' the same with "
        "being on each ad site a latent trait of the woman, so a site that did not see her "
        "is informative; 'deconvolve_arrival' the same for ad sites that capture a woman on "
        "her arrival day (or not at all in that stay): such a stay's start is known and only "
        "the days after her last sighting are estimated.",
        choices=("margins", "deconvolve", "deconvolve_sites", "deconvolve_arrival"),
    )
    shrink_days: float = _param(
        50.0,
        doc="Deconvolved stays only: pseudo-days of the pooled daily sighting rate added to "
        "each source set's own (rate = (sighting days + c × pooled rate) / (days + c) over "
        "the interior days of the set's stays). A prior the data cannot decide: the sets no "
        "ad site sees (outreach, police) have almost no interior days, so their rate is the "
        "pooled one, the ads'; fewer pseudo-days give them their own, lower rate and longer "
        "stays. The tornado shows 5 and 500 (docs/methods/stays.md).",
        low=0.1,
        high=10000.0,
        unit="pseudo-days",
    )
    em_start: str = _param(
        "uniform",
        doc="Deconvolved stays only: the EM's starting distribution of stay lengths, "
        "'uniform' on every length up to the longest or 'log_uniform' (as much weight in "
        "every doubling of the length: far more short stays). Where the ad sites see a "
        "present woman day by day, the shortest stays are rarely seen, the data leave their "
        "share open and the fit keeps much of its start: the two starts fit the data about "
        "equally well and can move the FTE needed by a quarter to a half. The tornado shows the "
        "other start (docs/methods/stays.md).",
        choices=("uniform", "log_uniform"),
    )
    strategy: str = _param(
        "estimated",
        doc="Outreach strategy modelled for reach: one of the strategies registered in "
        "capacity.models.reach: 'estimated' (the mix of screening new arrivals and search "
        "that the data show, docs/methods/strategy.md), 'random' search, 'screening' of every "
        "new arrival as a queue.",
    )
    reach_measure: str = _param(
        "woman",
        doc="What the verdict counts (docs/methods/tours.md): 'woman' (women present in the "
        "city in the period reached at least once), 'stay' (stays reached before they end) or "
        "'tour' (tours through Swedish cities reached in any city).",
        choices=("woman", "stay", "tour"),
    )
    reach_level: str = _param(
        "information",
        doc="What counts as reaching a woman (docs/methods/reach.md, levels): 'information' "
        "(a first contact with information in a language she understands) or 'conversation' "
        "(a conversation in a language she understands in which trafficking indicators can be "
        "assessed: street, venue and operation contacts and the online share below).",
        choices=("information", "conversation"),
    )
    written_languages: str = _param(
        "",
        doc="Languages (ISO 639-1, separated by ';') in which the team's written first "
        "contact exists - text messages, ad replies, a web page. At level 'information' a "
        "written (online) contact in her language counts as reaching her; empty = only "
        "spoken or interpreted contacts count.",
    )
    online_conversation_share: float = _param(
        0.0,
        doc="Share of online contacts that are a conversation (a call or a meeting) rather "
        "than a written message, for level 'conversation'. The outreach log does not record "
        "it: 0 (the default) counts only face-to-face contacts, a lower bound.",
        low=0.0,
        high=1.0,
    )
    target_reach: float = _param(
        0.8,
        doc="Target share of the target group contacted in a language they understand before they leave the city.",
        low=0.01,
        high=0.99,
    )
    p_sufficient: float = _param(
        0.8,
        doc="Verdict 'sufficient' when P(effective reach ≥ target) is at least this.",
        low=0.5,
        high=0.999,
    )
    p_insufficient: float = _param(
        0.2,
        doc="Verdict 'insufficient' when P(effective reach ≥ target) is at most this.",
        low=0.001,
        high=0.5,
    )
    interpreter_share: float | None = _param(
        None,
        doc="Share of contacts in a language no staff member speaks that can use an interpreter; empty = estimate from the outreach log.",
        low=0.0,
        high=1.0,
    )
    reflection_days: int = _param(
        30,
        doc="Minimum length of a support case: the reflection period (Convention art. 13).",
        low=30,
        high=365,
        unit="days",
    )
    caseload_per_fte: float = _param(
        8.0,
        doc="Support cases one full-time caseworker carries at once (an assumption; "
        "sets the servers of the support queue).",
        low=0.5,
        high=100.0,
        unit="cases/FTE",
    )
    mse_criterion: str = _param(
        "bic",
        doc="Criterion for choosing interactions in the multiple systems estimate (BIC is "
        "the safer default on sparse lists; see docs/methods/population.md).",
        choices=("aic", "bic"),
    )
    detection_model: str = _param(
        "mse",
        doc="How the share of the target group no source sees is estimated: 'mse' (closed "
        "multiple systems estimate per quarter, observed stay starts) or 'stays' (stay-level "
        "model with capture per day present, merged stay starts; see "
        "docs/methods/population.md, where both are measured on worlds that break them).",
        choices=("mse", "stays"),
    )
    detection_dependence: str = _param(
        "auto",
        doc="Whether the stay-level detection model (detection_model 'stays') lets outreach "
        "work from the ads (a stay with an ad sighting contacted more often), police being "
        "the anchor: 'auto' (the default: when a likelihood-ratio test rejects independence "
        "at 0.001 and outreach does not screen new ads), 'none' (never) or 'ads' (always). "
        "See docs/methods/population.md, 'Outreach that works from the ads', for what it is "
        "measured to do.",
        choices=("none", "auto", "ads"),
    )
    capture_model: str = _param(
        "auto",
        doc="How the ad sites capture an ad, which sets detection_model, stay_model and "
        "gap_days. 'auto' (the default) lets the data choose while those three are at their "
        "defaults (capacity.models.capture: where police or outreach often see a woman before "
        "an ad site first does, the sites see her per day present: 'stays', 'deconvolve', 14; "
        "where they almost never do, the ad is captured on arrival: 'mse', "
        "'deconvolve_arrival', 28; "
        "otherwise the defaults); set any of the three and your settings are used, as with "
        "'fixed'. See docs/methods/population.md.",
        choices=("fixed", "auto"),
    )
    horizon_months: int = _param(24, doc="Forecast horizon.", low=1, high=120, unit="months")
    # --- scenarios ----------------------------------------------------------------------
    extra_fte: float = _param(
        0.0,
        doc="Scenario: outreach FTE added to (or, negative, removed from) today's staffing.",
        low=-100.0,
        high=1000.0,
        unit="FTE",
    )
    stay_multiplier: float = _param(
        1.0,
        doc="Scenario: multiply every stay length (below 1 = a more mobile target group).",
        low=0.05,
        high=20.0,
    )
    arrivals_multiplier: float = _param(
        1.0, doc="Scenario: multiply arrivals per week.", low=0.05, high=20.0
    )
    # --- costs and the support chain (options and the budget optimiser) ---------------
    # Defaults are ASSUMPTIONS of the right order for a Swedish municipality; replace them
    # with the city's own figures (see docs/methods/options-and-costs.md for the reasoning).
    cost_outreach_fte: float = _param(
        850_000.0,
        doc="Yearly cost of one outreach FTE: salary, employer's contributions, pension and "
        "overhead (assumption: about 40 000 kr a month, as for municipal social workers, "
        "× 12 × 1.45 + 20 % overhead).",
        low=0.0,
        high=1e8,
        unit="kr/FTE-year",
    )
    cost_casework_fte: float = _param(
        850_000.0,
        doc="Yearly cost of one casework FTE (assumption, as cost_outreach_fte).",
        low=0.0,
        high=1e8,
        unit="kr/FTE-year",
    )
    cost_interpreter_hour: float = _param(
        700.0,
        doc="Cost of one hour of telephone interpreting, agency fee included (assumption).",
        low=0.0,
        high=1e5,
        unit="kr/h",
    )
    interpreter_hours_per_contact: float = _param(
        0.5,
        doc="Interpreter time billed per interpreted contact (assumption: a half-hour "
        "minimum charge).",
        low=0.0,
        high=10.0,
        unit="h",
    )
    cost_translation_language: float = _param(
        150_000.0,
        doc="Yearly cost of written information (ad replies, web page, leaflet) translated "
        "into one language and kept up to date (assumption).",
        low=0.0,
        high=1e8,
        unit="kr/language-year",
    )
    cost_training_day: float = _param(
        6_000.0,
        doc="Cost of one training day for one staff member: course fee and cover (assumption).",
        low=0.0,
        high=1e6,
        unit="kr/person-day",
    )
    training_days: float = _param(
        3.0,
        doc="Days of training in identifying trafficking per untrained staff member (assumption).",
        low=0.0,
        high=100.0,
        unit="days",
    )
    shelter_share: float = _param(
        0.5,
        doc="Share of accepted support cases that need a shelter place during the "
        "reflection period (assumption; no public Swedish figure).",
        low=0.0,
        high=1.0,
    )
    support_start_target: float = _param(
        0.9,
        doc="Share of accepted support that should start before the person leaves the "
        "city: sets the casework FTE needed.",
        low=0.5,
        high=0.999,
    )
    # --- uncertainty, privacy, reproducibility -----------------------------------------
    n_boot: int = _param(
        200,
        doc="Bootstrap / Monte Carlo replicates for intervals and the verdict.",
        low=0,
        high=10000,
    )
    alpha: float = _param(0.05, doc="1 − confidence level of every interval.", low=0.001, high=0.5)
    seed: int = _param(
        20261128, doc="Random seed (every random step is seeded from it).", low=0, high=2**32 - 1
    )
    suppression_threshold: int = _param(
        5,
        doc="Counts below this are shown as '<threshold' in every exported table.",
        low=1,
        high=100,
    )
    output_dir: str = _param(
        "reports", doc="Where run folders are written (relative to the project root or absolute)."
    )
    run_id: str | None = _param(
        None, doc="Name of the run folder; empty = city, period end and a timestamp."
    )

    def __post_init__(self) -> None:
        """Check and convert every parameter (a :class:`ParameterError` names a bad one)."""
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _coerce(f, getattr(self, f.name)))
        if self.period_end < self.period_start:
            raise ParameterError(
                f"period_end ({self.period_end}) is before period_start ({self.period_start}): "
                "give an end date on or after the start date."
            )
        if self.p_insufficient >= self.p_sufficient:
            raise ParameterError("p_insufficient must be smaller than p_sufficient.")
        if self.written_languages:
            from capacity.question4.levels import parse_languages

            object.__setattr__(
                self, "written_languages", ";".join(parse_languages(self.written_languages))
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None = None, **more: Any) -> Params:
        """Build from a mapping (YAML file, papermill parameters), refusing unknown names."""
        merged = {**dict(values or {}), **more}
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(merged) - known)
        if unknown:
            raise ParameterError(
                f"unknown parameter(s): {did_you_mean(unknown, known)}. "
                f"Allowed: {', '.join(sorted(known))} (see docs/parameters.md)."
            )
        return cls(**merged)

    @classmethod
    def from_namespace(
        cls,
        namespace: Mapping[str, Any],
        before: set[str] | frozenset[str],
        extra: tuple[str, ...] = (),
    ) -> Params:
        """Build from every name a notebook defined after ``before`` was recorded.

        A notebook records ``_before = set(globals())`` in a cell ahead of its papermill
        ``parameters`` cell; the names defined since are the parameters cell's and those
        papermill injected (``-p``, ``-f``), so a misspelt name is refused like in
        :meth:`from_mapping`, with no hand-kept list. Skipped: names in ``extra``
        (notebook-only parameters), names starting with ``_`` (IPython's history) and
        modules, classes and functions (imports; papermill injects only literals).

        Examples
        --------
        >>> ns = {"In": [], "city": "Malmö", "_i2": "city = 'Malmö'"}
        >>> Params.from_namespace(ns, {"In"}).city
        'Malmö'
        """
        import inspect

        given = {
            k: v
            for k, v in namespace.items()
            if k not in before
            and k not in extra
            and not k.startswith("_")
            and not (inspect.ismodule(v) or inspect.isclass(v) or inspect.isroutine(v))
        }
        return cls.from_mapping(given)

    @classmethod
    def from_yaml(cls, path: str | os.PathLike, **overrides: Any) -> Params:
        """Read a parameter file (``params/*.yaml``) and apply overrides."""
        values = read_yaml_mapping(path, "parameter file")
        return cls.from_mapping(values, **overrides)

    @property
    def models_set(self) -> bool:
        """Whether ``detection_model``, ``stay_model`` or ``gap_days`` differs from its default.

        Then the user chose the models, and ``capture_model: "auto"`` keeps them
        (:func:`capacity.models.capture.resolve_capture`).
        """
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        return any(
            getattr(self, k) != defaults[k] for k in ("detection_model", "stay_model", "gap_days")
        )

    def replace(self, **changes: Any) -> Params:
        """A validated copy with some parameters changed (for scenarios)."""
        return self.from_mapping({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """Plain values (dates as ISO strings), for YAML, JSON and papermill."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.isoformat() if isinstance(v, dt.date) else v
        return out

    @property
    def data_path(self) -> Path:
        """``data_dir`` as an absolute path (relative to the project root)."""
        return resolve(self.data_dir)

    @property
    def output_path(self) -> Path:
        """``output_dir`` as an absolute path (relative to the project root)."""
        return resolve(self.output_dir)


def did_you_mean(names, known) -> str:
    """``"'citty' (did you mean 'city'?), 'zz'"``: each name with its closest known name.

    Examples
    --------
    >>> did_you_mean(["citty", "zz"], ["city", "seed"])
    "'citty' (did you mean 'city'?), 'zz'"
    """
    import difflib

    out = []
    for name in names:
        close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
        out.append(f"'{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    return ", ".join(out)


#: Longest text parameter (a city name), and largest parameter or grid file (bytes).
MAX_TEXT_PARAM = 200
MAX_YAML_BYTES = 2**20
MAX_YAML_DEPTH = 10


def read_yaml_mapping(path: str | os.PathLike, what: str = "file") -> dict[str, Any]:
    """A YAML file of ``name: value`` lines as a dict, with a ParameterError naming the file.

    Empty files give ``{}``; a missing file, invalid YAML or anything but a mapping is refused.
    """
    import yaml

    p = resolve(path)
    try:
        size = p.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ParameterError(
                f"{p}: the {what} is {size:,} bytes, above the limit of {MAX_YAML_BYTES:,}; "
                "a parameter file holds a few 'name: value' lines."
            )
        text = p.read_text(encoding="utf-8")
        # an alias bomb (a few hundred bytes that expand to gigabytes) lives in aliases:
        # refuse every alias before building anything (parameter files never need them)
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise ParameterError(
                        f"{p}, line {event.start_mark.line + 1}: the {what} is nested more than "
                        f"{MAX_YAML_DEPTH} levels deep; a parameter file holds 'name: value' lines."
                    )
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise ParameterError(
                    f"{p}, line {mark.line + 1}: the {what} uses a YAML alias ('*'), which is "
                    "not accepted; write the value out instead of '&anchor' and '*alias'."
                )
        values = yaml.safe_load(text) or {}
    except FileNotFoundError as exc:
        raise ParameterError(f"{what} not found: {p}") from exc
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{p} is not a UTF-8 text {what} ({exc}).") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{p} is not valid YAML: {exc}") from exc
    except RecursionError:
        raise ParameterError(
            f"{p}: the {what} is nested too deeply to be a parameter file."
        ) from None
    if not isinstance(values, dict):
        raise ParameterError(f"{p} must hold 'name: value' lines, not {type(values).__name__}.")
    return values


def _allowed(f: dataclasses.Field) -> str:
    m = f.metadata
    if m.get("choices"):
        return "one of " + ", ".join(repr(c) for c in m["choices"])
    if m.get("low") is not None:
        return f"{m['low']} to {m['high']}"
    if f.type in ("dt.date", dt.date):
        return "a date YYYY-MM-DD"
    return "text"


def _parse(kind: str, value: Any) -> Any:
    """``value`` as a ``date``, ``int``, ``float`` or ``str``; ``ValueError`` when it is not one.

    Dates are ISO 8601 text or date objects; integers refuse booleans and fractions; floats
    accept a decimal comma; other kinds pass unchanged.
    """
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
    if kind == "int":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        return int(str(value).strip()) if isinstance(value, str) else int(value)
    if kind == "float":
        if isinstance(value, bool):
            raise ValueError
        return float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    if kind == "str":
        return str(value).strip()
    return value


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    name, m = f.name, f.metadata
    optional = "None" in str(f.type)
    if value is None or (isinstance(value, str) and value.strip() == "" and optional):
        if optional:
            return None
        raise ParameterError(f"parameter '{name}' must be given ({_allowed(f)}).")
    kind = str(f.type).replace(" | None", "").replace("dt.", "")
    try:
        value = _parse(kind, value)
    except (TypeError, ValueError):
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        raise ParameterError(
            f"parameter '{name}' = {shown} is not a valid {kind}; allowed: {_allowed(f)}."
        ) from None
    if kind == "str" and len(value) > MAX_TEXT_PARAM:
        raise ParameterError(
            f"parameter '{name}' is {len(value):,} characters long, above the limit of "
            f"{MAX_TEXT_PARAM}; give the name as it is written in the data."
        )
    if kind == "date" and not (dt.date(1990, 1, 1) <= value <= dt.date(2100, 12, 31)):
        raise ParameterError(
            f"parameter '{name}' = {value.isoformat()} is outside the plausible range "
            "1990-01-01 to 2100-12-31; give a date of the data's period."
        )
    if m.get("choices") and value not in m["choices"]:
        raise ParameterError(f"parameter '{name}' = {value!r}; allowed: {_allowed(f)}.")
    if m.get("low") is not None and not (m["low"] <= value <= m["high"]):
        unit = f" {m['unit']}" if m.get("unit") else ""
        raise ParameterError(
            f"parameter '{name}' = {value!r} is out of range; allowed: {_allowed(f)}{unit}."
        )
    return value


def parameters_table():
    """Name, type, default, allowed values, unit and meaning of every parameter."""
    import pandas as pd

    rows = []
    for f in dataclasses.fields(Params):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        rows.append(
            {
                "name": f.name,
                "type": str(f.type).replace("dt.", ""),
                "default": "" if default is None else str(default),
                "allowed": _allowed(f),
                "unit": f.metadata.get("unit", ""),
                "meaning": f.metadata["doc"],
            }
        )
    return pd.DataFrame(rows)
