"""k-means segmentation, elbow table and segment profiles."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmsim.analysis import elbow_table, kmeans_segments, plot_elbow, segment_profile
from crmsim.errors import CrmsimError

matplotlib.use("Agg")


@pytest.fixture
def features():
    rng = np.random.default_rng(0)
    n = 150
    hi = pd.DataFrame({"recency": rng.normal(10, 2, n), "frequency": rng.poisson(30, n),
                       "monetary": rng.normal(3000, 200, n)})
    lo = pd.DataFrame({"recency": rng.normal(200, 20, n), "frequency": rng.poisson(1, n) + 1,
                       "monetary": rng.normal(50, 10, n).clip(1)})
    return pd.concat([hi, lo], ignore_index=True)


def test_kmeans_finds_the_two_groups(features):
    res = kmeans_segments(features, 2)
    # segment 0 is the one with the higher frequency: the first 150 customers
    assert (res.labels.iloc[:150] == 0).all() and (res.labels.iloc[150:] == 1).all()
    assert res.centers.loc[0, "monetary"] > 2500 and res.silhouette > 0.7
    assert res.model.predict(features.iloc[:3].to_numpy()).shape == (3,)
    prof = segment_profile(features, res.labels)
    assert prof["customers"].tolist() == [150, 150] and prof["share"].sum() == 1.0
    with pytest.raises(CrmsimError):
        kmeans_segments(features, 1)


def test_elbow_table(features):
    t = elbow_table(features, range(2, 5))
    assert list(t.index) == [2, 3, 4]
    assert t["inertia"].is_monotonic_decreasing
    assert t["silhouette"].idxmax() == 2
    ax = plot_elbow(t)
    assert ax.get_xlabel() == "number of segments k" and ax.get_title()
    plt.close("all")
