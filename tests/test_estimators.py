"""The toolkit's estimators follow scikit-learn's conventions: parameters, clone, NotFittedError."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from course_utils.clustering import ReducedHDBSCAN
from course_utils.dynamic import WeeklySegmenter


def blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 5, size=(3, 6))
    return np.vstack([c + rng.normal(0, 0.5, size=(n // 3, 6)) for c in centres])


def weekly_frame(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"watch_minutes": rng.gamma(2, 60, n), "genre_entropy": rng.random(n),
                         "g_drama": rng.random(n), "d_tv": rng.random(n), "q_0": rng.normal(size=n)},
                        index=[f"S{i:05d}" for i in range(n)])


ESTIMATORS = [
    (ReducedHDBSCAN(min_cluster_size=15, reduce="pca", n_components=3), blobs),
    (WeeklySegmenter(n_segments=3, n_init=2), weekly_frame),
]
IDS = ["ReducedHDBSCAN", "WeeklySegmenter"]


@pytest.mark.parametrize("est, data", ESTIMATORS, ids=IDS)
def test_clone_copies_parameters_not_state(est, data):
    fitted = clone(est).fit(data())
    copy = clone(fitted)
    assert copy.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        copy.predict(data())


@pytest.mark.parametrize("est, data", ESTIMATORS, ids=IDS)
def test_predict_before_fit_raises_not_fitted(est, data):
    with pytest.raises(NotFittedError, match="not fitted"):
        clone(est).predict(data())


@pytest.mark.parametrize("est, data", ESTIMATORS, ids=IDS)
def test_set_params_changes_what_fit_uses(est, data):
    e = clone(est)
    key = "min_cluster_size" if isinstance(e, ReducedHDBSCAN) else "n_segments"
    e.set_params(**{key: 4})
    assert e.get_params()[key] == 4
    with pytest.raises(ValueError, match="Invalid parameter"):
        e.set_params(nope=1)


def test_same_seed_same_result():
    a = ReducedHDBSCAN(min_cluster_size=15, reduce="pca", n_components=3).fit(blobs())
    b = clone(a).fit(blobs())
    assert np.array_equal(a.labels_, b.labels_)
    s1 = WeeklySegmenter(n_segments=3, n_init=2).fit(weekly_frame())
    s2 = clone(s1).fit(weekly_frame())
    assert np.array_equal(s1.predict(weekly_frame()), s2.predict(weekly_frame()))
