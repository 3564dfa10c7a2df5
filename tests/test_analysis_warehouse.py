"""The DuckDB star-schema warehouse."""

from types import SimpleNamespace

import pandas as pd
import pytest

from crmsim.analysis import build_warehouse, query
from crmsim.errors import CrmsimError


@pytest.fixture
def result():
    customers = pd.DataFrame({
        "customer_id": [1, 2], "region": pd.Categorical(["north", "south"]),
        "channel": ["campaign", "referral"], "true_alive": [True, False],
    })
    tx = pd.DataFrame({
        "order_id": [10, 10, 11], "customer_id": [1, 1, 2],
        "timestamp": [0.5, 0.5, 3.0],
        "date": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:00", "2024-01-04 00:00"]),
        "product": pd.Categorical(["tea", "cup", "tea"]),
        "category": pd.Categorical(["drink", "ware", "drink"]),
        "quantity": [2, 1, 1], "amount": [8.0, 5.0, 4.0],
    })
    return SimpleNamespace(customers=customers, transactions=tx)


def test_build_and_query(result, tmp_path):
    path = build_warehouse(result, tmp_path / "wh.duckdb")
    assert path.exists()
    tables = set(query(path, "SELECT table_name FROM information_schema.tables")["table_name"])
    assert tables == {"fact_transactions", "dim_customer", "dim_product", "dim_date",
                      "dim_channel"}
    cols = query(path, "SELECT * FROM dim_customer").columns
    assert "true_alive" not in cols and "region" in cols
    assert len(query(path, "SELECT * FROM dim_date")) == 4  # Jan 1..4, no gaps
    rev = query(path, """
        SELECT c.channel, p.category, SUM(f.amount) AS revenue
        FROM fact_transactions f
        JOIN dim_channel c USING (channel_key)
        JOIN dim_product p USING (product_key)
        JOIN dim_date d USING (date_key)
        WHERE d.year = 2024
        GROUP BY 1, 2 ORDER BY 1, 2""")
    assert rev.values.tolist() == [["campaign", "drink", 8.0], ["campaign", "ware", 5.0],
                                   ["referral", "drink", 4.0]]
    assert query(path, "SELECT COUNT(*) AS n FROM fact_transactions WHERE amount > ?",
                 [4.5])["n"].iloc[0] == 2
    path2 = build_warehouse(result, path, include_truth=True)  # overwrite
    assert "true_alive" in query(path2, "SELECT * FROM dim_customer").columns
    with pytest.raises(CrmsimError):
        build_warehouse(result, path, overwrite=False)
    with pytest.raises(CrmsimError):
        query(tmp_path / "missing.duckdb", "SELECT 1")
