"""Tables written one at a time, in chunks (crmsim.streaming, the CLI's simulate), are the
tables simulate() returns: the same Parquet contents, the same CSV bytes, the same summary."""

import pandas as pd
import pytest

import crmsim
from crmsim import streaming
from crmsim.result import TABLES
from crmsim.simulation import simulate_to

RUN = {"strategies": ["loyalty_program", "win_back", "vip_tiering", "personalised_offers"],
       "seed": 7, "customers": 1500, "years": 1.0, "overrides": {"service": {"seats": 3}}}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    whole = tmp_path_factory.mktemp("whole")
    res = crmsim.simulate("retail", **RUN)
    res.write_tables(whole, csv=True)
    chunked = tmp_path_factory.mktemp("chunked")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(streaming, "ROWS", 700)  # several chunks per large table
        out = simulate_to(chunked, "retail", csv=True, **RUN)
    return res, whole, out, chunked


def test_the_large_tables_are_written_in_several_chunks(written):
    res, _, _, _ = written
    assert min(len(res.transactions), len(res.ledger), len(res.events)) > 3 * 700


@pytest.mark.parametrize("name", TABLES)
def test_each_table_reads_back_as_simulate_returns_it(written, name):
    res, whole, _, chunked = written
    got = pd.read_parquet(chunked / f"{name}.parquet")
    pd.testing.assert_frame_equal(got, pd.read_parquet(whole / f"{name}.parquet"))
    pd.testing.assert_frame_equal(got, getattr(res, name), check_categorical=False)


@pytest.mark.parametrize("name", [*TABLES, "run.json"])
def test_csv_and_run_files_are_byte_identical(written, name):
    _, whole, _, chunked = written
    file = name if name.endswith(".json") else f"{name}.csv"
    assert (chunked / file).read_bytes() == (whole / file).read_bytes()


def test_summary_and_kpis_are_the_same(written):
    res, _, out, _ = written
    pd.testing.assert_frame_equal(out.summary(), res.summary())
    pd.testing.assert_frame_equal(out.kpis, res.kpis)


def test_without_a_folder_nothing_is_written_and_the_summary_is_the_same(written, tmp_path,
                                                                          monkeypatch):
    res, _, _, _ = written
    monkeypatch.chdir(tmp_path)
    out = simulate_to(None, "retail", **RUN)
    pd.testing.assert_frame_equal(out.summary(), res.summary())
    assert not list(tmp_path.iterdir())
