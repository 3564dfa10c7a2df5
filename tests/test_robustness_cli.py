"""Issue #10: every bad input gets one clear line, exit 2, and nothing is written or lost.

Each case is a distinct bad input or fault, run through the CLI (in process) or the
Python API; the folder the command works in is compared before and after.
"""

import errno
import hashlib
from pathlib import Path

import pandas as pd
import pytest

import crmsim
from crmsim.cli import main

SMALL = ["--customers", "200", "--years", "0.2", "--quiet"]


def snapshot(folder: Path) -> dict:
    """Every path below ``folder`` (hidden ones too) with a hash of its content."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A folder with an edited scenario, a plain file and an earlier run to protect."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.toml").write_text("# edited by hand\n[service]\nseats = 3\n")
    (tmp_path / "a_file").write_text("keep me")
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "notes.txt").write_text("earlier run")
    (tmp_path / "emptydir.toml").mkdir()
    return tmp_path


def assert_one_line_error(code, capsys, words, folder, before):
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("crmsim: error:"), err
    assert "Traceback" not in err
    for w in words:
        assert w in err, (w, err)
    assert snapshot(folder) == before  # nothing written, nothing lost


SCENARIO_FILES = {
    "bad_toml.toml": "[purchase\nr = 1\n",
    "bad_yaml.yaml": "purchase: [1, 2\n",
    "alias_bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
                       "c: [*b, *b, *b, *b, *b, *b]\n",
    "anchor.yaml": "service: &s {seats: 3}\n",
    "dup_keys.yaml": "service:\n  seats: 3\n  seats: 4\n",
    "python_tag.yaml": "service: !!python/object/apply:os.system ['true']\n",
    "list.yaml": "- 1\n- 2\n",
    "scalar.yaml": "42\n",
    "section_scalar.toml": "service = 3\n",
    "unknown_section.toml": "[purchas]\nr = 1\n",
    "unknown_param.yaml": "service:\n  seat: 3\n",
    "nan.toml": "[purchase]\nr = nan\n",
    "inf.toml": "[population]\nmean_price = inf\n",
    "string_number.yaml": "service:\n  seats: many\n",
    "bool_number.yaml": "service:\n  seats: true\n",
    "name_table.toml": "name = {a = 1}\n",
    "name_multiline.yaml": "name: \"a\\nb\"\n",
    "description_number.yaml": "description: 5\n",
    "deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "date_2300.toml": "[market]\nstart_date = 2300-01-01\n",
    "dup_categories.toml": "[population]\ncategories = ['tea', 'tea']\n",
}
BINARY_FILES = {
    "utf16.yaml": "service:\n  seats: 3\n".encode("utf-16"),
    "binary.toml": bytes(range(256)),
    "nul.toml": b"[service]\x00\nseats = 3\n",
    "latin1.toml": "description = 'caf\u00e9'\n".encode("latin-1"),
    "huge.toml": b"# " + b"x" * 1_000_001 + b"\n",
}


SIMULATE_CASES = [
    # parameter values
    (["--customers", "0"], ["market.customers", "0"]),
    (["--customers", "-5"], ["market.customers"]),
    (["--customers", "abc"], ["--customers", "abc"]),
    (["--customers", "5000000", "--years", "50"], ["market.customers", "10,000,000"]),
    (["--years", "0"], ["market.years"]),
    (["--years", "inf"], ["market.years", "inf", "finite"]),
    (["--years", "nan"], ["market.years", "nan", "finite"]),
    (["--years", "-1"], ["market.years"]),
    (["--years", "1e308"], ["market.years"]),
    (["--seed", "-1"], ["seed", "-1"]),
    (["--seed", str(2**64)], ["seed", str(2**64), "2**64"]),
    (["--seed", "1.5"], ["--seed", "1.5"]),
    (["--set", "population.mean_price=1e308"], ["population.mean_price", "1e+12"]),
    (["--set", "population.mean_price=.inf"], ["population.mean_price", "finite"]),
    (["--set", "population.mean_price=1e-300"], ["population.mean_price", "1e-09"]),
    (["--set", "purchase.r=.nan"], ["purchase.r", "finite"]),
    (["--set", "purchase.r=-1"], ["purchase.r", "-1"]),
    (["--set", "purchase.alpha=1e-12"], ["purchase.alpha"]),
    (["--set", "purchase.alpha=0.0001"], ["purchase.alpha", "10,000 purchases"]),
    (["--set", "purchase.q=1"], ["purchase.q"]),
    (["--set", "acquisition.conversion_prob=1.5"], ["conversion_prob", "1.5"]),
    (["--set", "acquisition.contact_cost=1e13"], ["contact_cost"]),
    (["--set", "service.seats=2.5"], ["service.seats", "whole"]),
    (["--set", "service.seats=0"], ["service.seats"]),
    (["--set", "service.seats=yes"], ["service.seats"]),
    (["--set", "service.seats="], ["service.seats", "None"]),
    (["--set", "service.seats=[1"], ["--set", "YAML"]),
    (["--set", "service.seats={a: 1"], ["--set", "YAML"]),
    (["--set", "service.seats=&a 1"], ["--set", "anchors"]),
    (["--set", "service.seats=!!python/name:os.system"], ["--set"]),
    (["--set", "service.seats=3", "--set", "service.seats=4"], ["--set", "twice"]),
    (["--set", "service"], ["--set", "section.param=value"]),
    (["--set", "=5"], ["--set"]),
    (["--set", "service.=5"], ["--set"]),
    (["--set", "market.nonsense=1"], ["market.nonsense", "customers"]),
    (["--set", "nosection.x=1"], ["section", "nosection"]),
    # work and memory bounds
    (["--set", "market.step=1e-7"], ["market.step", "20,000"]),
    (["--set", "market.kpi_period=1e-7"], ["market.kpi_period", "20,000"]),
    (["--set", "acquisition.campaign_interval=0.001"], ["campaign_interval", "20,000"]),
    (["--set", "market.time_unit=week", "--set", "market.step=0.01", "--years", "50"],
     ["market.step"]),
    # calendar and text
    (["--set", "market.start_date=2300-01-01"], ["market.start_date", "2200-01-01"]),
    (["--set", "market.start_date=1500-01-01"], ["market.start_date", "1700-01-01"]),
    (["--set", "market.start_date=2025-02-30"], ["market.start_date", "out of range"]),
    (["--set", "market.start_date=soon"], ["market.start_date"]),
    (["--set", "market.time_unit=month"], ["market.time_unit", "day | week"]),
    (["--set", "market.currency=" + "x" * 300], ["market.currency", "200"]),
    (["--set", "population.categories=[tea, tea]"], ["population.categories", "distinct"]),
    (["--set", "population.categories=[]"], ["population.categories"]),
    (["--set", "population.regions=[North, '']"], ["population.regions"]),
    (["--set", "population.regions=[" + ",".join(f"r{i}" for i in range(101)) + "]"],
     ["population.regions", "100"]),
    (["--set", "population.regions=North"], ["population.regions"]),
    (["--set", "population.customer_types={consumer: 0.5}"], ["customer_types", "sum to 1"]),
    (["--set", "population.customer_types={consumer: .nan}"], ["customer_types.consumer"]),
    (["--set", "population.customer_types={1: 1.0}"], ["customer_types"]),
    (["--set", "population.customer_types={robot: 1.0}"], ["customer_types.robot"]),
    # strategies
    (["--strategy", "bogus"], ["strategy", "bogus", "loyalty_program"]),
    (["--strategy", "discount:rate=2"], ["discount.rate", "2"]),
    (["--strategy", "discount:rate=nan"], ["discount.rate"]),
    (["--strategy", "discount:rate=1e999"], ["discount.rate", "finite"]),
    (["--strategy", "discount:rate"], ["strategy", "discount:rate"]),
    (["--strategy", "discount:bogus=1"], ["discount.bogus"]),
    (["--strategy", "discount", "--strategy", "discount"], ["strategies", "at most once"]),
    # scenarios
    (["--scenario", "nowhere"], ["scenario", "nowhere", "retail"]),
    (["--scenario", "missing.toml"], ["scenario", "missing.toml"]),
    (["--scenario", "emptydir.toml"], ["scenario", "emptydir.toml"]),
    (["--scenario", "a_file"], ["scenario", "a_file"]),
    # --out
    (["--out", "a_file"], ["--out", "a_file", "file of that name"]),
    (["--out", "a_file/run"], ["--out", "a_file/run"]),
    (["--out", "earlier"], ["--out", "earlier", "--force"]),
    (["--out", "no/such/parent"], ["--out"]),
    (["--out", "/proc"], ["--out", "/proc"]),
    (["--report"], ["--report needs --out"]),
]


@pytest.mark.parametrize("argv, words", SIMULATE_CASES, ids=lambda v: " ".join(v)[:60]
                         if isinstance(v, list) and v and v[0].startswith("-") else None)
def test_simulate_bad_input(argv, words, work, capsys):
    before = snapshot(work)
    try:
        code = main(["simulate", *SMALL, *argv])
    except SystemExit as exc:  # argparse: also one line and exit 2
        code = exc.code
    assert_one_line_error(code, capsys, words, work, before)


@pytest.mark.parametrize("name", sorted(SCENARIO_FILES) + sorted(BINARY_FILES))
def test_bad_scenario_file(name, work, capsys):
    path = work / name
    if name in SCENARIO_FILES:
        path.write_text(SCENARIO_FILES[name], encoding="utf-8")
    else:
        path.write_bytes(BINARY_FILES[name])
    before = snapshot(work)
    code = main(["simulate", "--scenario", name, "--out", "run", *SMALL])
    assert_one_line_error(code, capsys, [], work, before)
    with pytest.raises(crmsim.CrmsimError):
        crmsim.simulate(path)


COMPARE_CASES = [
    (["--strategies", "none", "loyalty_program", "--jobs", "0"], ["n_jobs", "0"]),
    (["--strategies", "none", "loyalty_program", "--jobs", "-2"], ["n_jobs", "-2"]),
    (["--strategies", "none", "--replications", str(10**9)], ["replications", "10,000"]),
    (["--strategies", "none", "--replications", "1"], ["replications", "1"]),
    (["--strategies", "none", "discount", "--replications", "6000"],
     ["replications", "10,000 runs"]),
    (["--strategies", "none", "none"], ["strategies", "distinct"]),
    (["--strategies", "none", "+"], ["strategies", "+"]),
    (["--strategies", "none", "bogus"], ["strategy", "bogus"]),
    (["--strategies", "none", "--seed", str(2**70)], ["seed"]),
    (["--strategies", "none", "--out", "earlier"], ["--out", "--force"]),
    (["--strategies", "none", "--out", "a_file"], ["--out"]),
    (["--strategies", "none", "--set", "purchase.r=.inf"], ["purchase.r"]),
    (["--strategies"], ["--strategies"]),
]


@pytest.mark.parametrize("argv, words", COMPARE_CASES)
def test_compare_bad_input(argv, words, work, capsys):
    before = snapshot(work)
    try:
        code = main(["compare", "--customers", "100", "--years", "0.1", *argv])
    except SystemExit as exc:
        code = exc.code
    assert_one_line_error(code, capsys, words, work, before)


SAVE_CASES = [
    (["retail", "mine.toml"], ["--save", "mine.toml", "--force"]),  # edited file is kept
    (["retail", "a_file"], ["--save", ".toml"]),
    (["retail", "emptydir.toml"], ["--save", "folder"]),
    (["retail", "nodir/x.toml"], ["--save", "existing folder"]),
    (["retail", "x.json"], ["--save", "x.json"]),
    (["nowhere", "x.toml"], ["scenario", "nowhere"]),
]


@pytest.mark.parametrize("argv, words", SAVE_CASES)
def test_scenarios_save_never_overwrites(argv, words, work, capsys):
    before = snapshot(work)
    assert_one_line_error(main(["scenarios", "--save", *argv]), capsys, words, work, before)


def test_scenarios_save_force_replaces_atomically(work, capsys):
    assert main(["scenarios", "--save", "b2b", "mine.toml", "--force"]) == 0
    assert crmsim.load_scenario(work / "mine.toml").name == "b2b"
    assert sorted(p.name for p in work.iterdir()) == ["a_file", "earlier", "emptydir.toml",
                                                      "mine.toml"]


API_CASES = [
    (dict(seed=-1), "seed"),
    (dict(seed=2**64), "seed"),
    (dict(seed=1.0), "seed"),
    (dict(seed=True), "seed"),
    (dict(customers=True), "market.customers"),
    (dict(customers=float("nan")), "market.customers"),
    (dict(years=float("inf")), "market.years"),
    (dict(years="3"), "market.years"),
    (dict(overrides=[1, 2]), "overrides"),
    (dict(overrides={"service": 3}), "service"),
    (dict(overrides={"service": {"seats": None}}), "service.seats"),
    (dict(strategies=5), "strategies"),
    (dict(strategies={"discount": 0.1}), "discount"),
    (dict(strategies=[{"discount": {"rate": float("inf")}}]), "discount.rate"),
    (dict(scenario=42), "scenario"),
    (dict(scenario=None), "scenario"),
]


@pytest.mark.parametrize("kwargs, word", API_CASES)
def test_simulate_api_raises_crmsim_error(kwargs, word):
    with pytest.raises(crmsim.CrmsimError, match=word.replace(".", r"\.")) as info:
        crmsim.simulate(**{"customers": 100, "years": 0.1, **kwargs})
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("kwargs, word", [
    (dict(n_jobs=0), "n_jobs"),
    (dict(n_jobs=1.5), "n_jobs"),
    (dict(replications=10**9), "replications"),
    (dict(replications=2.0), "replications"),
    (dict(strategies="none"), "strategies"),
    (dict(strategies=[]), "strategies"),
    (dict(strategies=[None]), "strategies"),
    (dict(seed=-3), "seed"),
])
def test_compare_api_raises_crmsim_error(kwargs, word):
    with pytest.raises(crmsim.CrmsimError, match=word):
        crmsim.compare(**{"customers": 100, "years": 0.1, "strategies": ["none"], **kwargs})


# ------------------------------------------------------------------ faults while writing
def _fail(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["parquet", "csv", "report"])
def test_full_disk_leaves_nothing_half_written(where, work, capsys, monkeypatch):
    import crmsim.cli.simulate

    target = {"parquet": (pd.DataFrame, "to_parquet"), "csv": (pd.DataFrame, "to_csv"),
              "report": (crmsim.cli.simulate, "write_report")}[where]
    monkeypatch.setattr(*target, _fail)
    before = snapshot(work)
    code = main(["simulate", *SMALL, "--csv", "--report", "--out", "run"])
    assert_one_line_error(code, capsys, ["--out", "No space left"], work, before)


def test_failed_force_replace_keeps_the_earlier_run(work, capsys, monkeypatch):
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _fail)
    before = snapshot(work)
    code = main(["simulate", *SMALL, "--out", "earlier", "--force"])
    assert_one_line_error(code, capsys, ["No space left"], work, before)


def test_force_replaces_folder_without_stale_files(work, capsys):
    assert main(["simulate", *SMALL, "--out", "earlier", "--force", "--report"]) == 0
    names = {p.name for p in (work / "earlier").iterdir()}
    assert "notes.txt" not in names and {"run.json", "report.md", "kpis.parquet"} <= names
    assert not [p for p in work.iterdir() if p.name.startswith(".")]  # no temp folders


def test_empty_out_folder_is_used_and_api_save_refuses_overwrite(work, tmp_path):
    (work / "fresh").mkdir()
    res = crmsim.simulate(customers=100, years=0.1)
    res.save(work / "fresh")
    before = snapshot(work)
    with pytest.raises(crmsim.CrmsimError, match="force"):
        res.save(work / "fresh")
    assert snapshot(work) == before
    res.save(work / "fresh", force=True)
    assert crmsim.SimulationResult.load(work / "fresh").seed == 0


@pytest.mark.parametrize("damage", ["no_run_json", "bad_json", "missing_table"])
def test_load_of_a_damaged_folder(damage, work):
    res = crmsim.simulate(customers=100, years=0.1)
    out = res.save(work / "run")
    if damage == "no_run_json":
        (out / "run.json").unlink()
    elif damage == "bad_json":
        (out / "run.json").write_text("{")
    else:
        (out / "kpis.parquet").unlink()
    with pytest.raises(crmsim.CrmsimError, match="folder"):
        crmsim.SimulationResult.load(out)


def test_scenario_api_save_refuses_overwrite(work):
    sc = crmsim.load_scenario("retail")
    with pytest.raises(crmsim.CrmsimError, match="force"):
        sc.save(work / "mine.toml")
    assert (work / "mine.toml").read_text().startswith("# edited by hand")


def test_dates_in_scenario_files_are_read_as_iso_text(work):
    (work / "d.yaml").write_text("market:\n  start_date: 2024-03-01\n")
    assert crmsim.load_scenario(work / "d.yaml")["market"]["start_date"] == "2024-03-01"
