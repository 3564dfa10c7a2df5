"""Bad input: one line naming parameter, value and what is allowed; exit 2; nothing written."""

import os
import subprocess
import sys

import pytest

import crmsim
from crmsim.cli import main
from crmsim.sim.scenarios import load


@pytest.mark.parametrize("argv, words", [
    (["simulate", "--customers", "0"], ["market.customers", "0"]),
    (["simulate", "--customers", "-5"], ["market.customers", "-5"]),
    (["simulate", "--set", "purchase.r=-1"], ["purchase.r", "-1"]),
    (["simulate", "--set", "acquisition.conversion_prob=1.5"], ["conversion_prob", "1.5"]),
    (["simulate", "--strategy", "bogus"], ["strategy", "bogus", "loyalty_program"]),
    (["simulate", "--strategy", "discount:rate=2"], ["discount.rate", "2"]),
    (["simulate", "--scenario", "nowhere"], ["scenario", "nowhere", "retail"]),
    (["simulate", "--set", "market.nonsense=1"], ["market.nonsense", "customers"]),
    (["simulate", "--seed", "-1"], ["seed", "-1"]),
    (["compare", "--strategies", "none", "bogus"], ["strategy", "bogus"]),
    (["compare", "--strategies", "none", "--replications", "1"], ["replications", "1"]),
    (["strategies", "bogus"], ["strategy", "bogus"]),
])
def test_cli_rejects_bad_input(argv, words, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(argv + (["--out", str(out)] if argv[0] != "strategies" else [])) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("crmsim: error:")
    for w in words:
        assert w in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_malformed_scenario_files(tmp_path, capsys):
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[purchase\nr = 1\n")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("purchase: [1, 2\n")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[purchas]\nr = 1\n")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("service:\n  seats: many\n")
    for f, word in [(bad_toml, "valid TOML"), (bad_yaml, "valid YAML"), (unknown, "purchas"),
                    (wrong, "service.seats")]:
        assert main(["simulate", "--scenario", str(f), "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert word in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_unwritable_output_folder(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        assert main(["simulate", "--customers", "100", "--years", "0.2", "--quiet",
                     "--out", str(locked / "run")]) == 2
        assert "--out" in capsys.readouterr().err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_output_path_that_is_a_file(tmp_path, capsys):
    f = tmp_path / "taken"
    f.write_text("x")
    assert main(["simulate", "--customers", "100", "--years", "0.2", "--quiet",
                 "--out", str(f)]) == 2
    assert "--out" in capsys.readouterr().err and f.read_text() == "x"
    # a folder below a file can never be created, whoever runs the test
    assert main(["simulate", "--customers", "100", "--years", "0.2", "--quiet",
                 "--out", str(f / "run")]) == 2
    assert "--out" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_no_traceback_from_the_installed_command(tmp_path):
    exe = os.path.join(os.path.dirname(sys.executable), "crmsim")
    p = subprocess.run([exe, "simulate", "--customers", "-3"], capture_output=True, text=True)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "market.customers" in p.stderr


def test_python_api_raises_crmsim_error():
    with pytest.raises(crmsim.CrmsimError, match="purchase.a"):
        crmsim.simulate(overrides={"purchase": {"a": 0}})
    with pytest.raises(crmsim.CrmsimError, match="population.customer_types"):
        crmsim.simulate(overrides={"population": {"customer_types": {"consumer": 0.5}}})


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_scenario_round_trip(tmp_path, suffix):
    sc = load("b2b").with_overrides({"service": {"seats": 7}})
    path = sc.save(tmp_path / f"mine{suffix}")
    again = load(path)
    assert again.values == sc.values and again.name == "b2b"


def test_cli_lists_and_explains(capsys, tmp_path):
    assert main(["scenarios"]) == 0
    assert "cdnow" in capsys.readouterr().out
    assert main(["scenarios", "--explain", "--section", "behaviour"]) == 0
    out = capsys.readouterr().out
    assert "churn_sensitivity" in out and "wait_penalty" in out
    assert main(["strategies"]) == 0
    assert "participation" in capsys.readouterr().out
    assert main(["strategies", "loyalty_program"]) == 0
    assert "points_rate" in capsys.readouterr().out
    assert main(["scenarios", "--save", "retail", str(tmp_path / "r.yaml")]) == 0
    assert load(tmp_path / "r.yaml").name == "retail"


def test_cli_simulate_writes_tables_and_report(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["simulate", "--customers", "600", "--years", "0.5", "--seed", "2", "--quiet",
                 "--strategy", "loyalty_program:points_rate=0.05", "--out", str(out),
                 "--report"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"customers.parquet", "transactions.parquet", "kpis.parquet", "report.md",
            "report.png", "run.json"} <= names
    assert "profit" in capsys.readouterr().out
