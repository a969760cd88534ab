"""pyproject.toml, the hash-pinned locks and environment.yml (conda) agree on the dependencies,
and every third-party package the code imports is declared where it is used."""

import ast
import re
import sys
import tomllib
from pathlib import Path

import yaml

from capacity.config import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# import name -> distribution name, where they differ
DISTRIBUTION = {
    "yaml": "pyyaml",
    "IPython": "ipython",
    "jupyter_client": "jupyter-client",
    "pytest": "pytest",
    "xdist": "pytest-xdist",
}


# conda-forge name -> PyPI name, where they differ
CONDA = {"python-xxhash": "xxhash"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pins(path: Path) -> dict[str, bool]:
    """Pinned name -> whether the pin carries at least one sha256 hash."""
    text = path.read_text()
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9_.\-]+)==\S+", block)
        if m:
            out[_name(m.group(1)).replace(".", "-")] = "--hash=sha256:" in block
    return out


def test_environment_yml_matches_pyproject():
    pip_names = {_name(r) for r in PROJECT["dependencies"]}
    pip_names |= {_name(r) for r in PROJECT["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_names = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    conda_names = {CONDA.get(n, n) for n in conda_names}
    conda_names -= {"python", "pip"}
    assert conda_names == pip_names, (
        f"only in environment.yml: {sorted(conda_names - pip_names)}; "
        f"only in pyproject.toml: {sorted(pip_names - conda_names)}"
    )
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section  # the conda route installs capacity itself


def test_locks_pin_every_dependency_with_hashes_and_keep_runtime_apart():
    runtime = _pins(ROOT / "requirements" / "runtime.txt")
    dev = _pins(ROOT / "requirements" / "dev.txt")
    assert all(runtime.values()) and all(dev.values()), "every pin needs --hash=sha256:..."
    wanted = {_name(r) for r in PROJECT["dependencies"]}
    dev_only = {_name(r) for r in PROJECT["optional-dependencies"]["dev"]}
    assert wanted <= set(runtime), f"not in runtime.txt: {sorted(wanted - set(runtime))}"
    assert wanted | dev_only <= set(dev), f"not in dev.txt: {sorted(wanted | dev_only - set(dev))}"
    assert not dev_only & set(runtime), "make report must not install the development tools"
    assert set(runtime) <= set(dev)
    makefile = (ROOT / "Makefile").read_text()
    report_deps = re.search(r"^report: (.*?) ##", makefile, re.M).group(1).split()
    assert report_deps == ["runtime"]
    assert "--require-hashes -r $(RUNTIME_LOCK)" in makefile


def _third_party_imports(folder: Path) -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found |= {n.split(".")[0] for n in names}
    local = {p.stem for p in folder.rglob("*.py")} | {"capacity", "benchmarks"}
    return {n for n in found if n not in stdlib and n not in local}


def test_every_imported_package_is_declared_where_it_is_used():
    declared_runtime = {_name(r) for r in PROJECT["dependencies"]}
    declared_dev = {_name(r) for r in PROJECT["optional-dependencies"]["dev"]}
    src = {_name(DISTRIBUTION.get(n, n)) for n in _third_party_imports(ROOT / "src")}
    assert src <= declared_runtime, (
        f"imported by src/, not declared: {sorted(src - declared_runtime)}"
    )
    tests = {_name(DISTRIBUTION.get(n, n)) for n in _third_party_imports(ROOT / "tests")}
    missing = tests - declared_runtime - declared_dev
    assert not missing, f"imported by tests/, not declared: {sorted(missing)}"
    assert "pypdf" in declared_dev and "pypdf" not in declared_runtime  # tests only


def test_readme_lists_every_system_package_ci_installs():
    ci = (ROOT / ".ci" / "run").read_text()
    packages = {p for group in re.findall(r"need\+=\(([^)]*)\)", ci) for p in group.split()}
    assert {"libpango-1.0-0", "libharfbuzz-subset0", "poppler-utils"} <= packages
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = re.search(r"apt-get install ([^\n`]+)", readme).group(1).split()
    assert packages <= set(install), f"not in the README: {sorted(packages - set(install))}"
    for p in packages:
        assert f"`{p}`" in readme, p
