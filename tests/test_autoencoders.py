"""The Autoencoder: linear ~ PCA, determinism, scikit-learn manners, bad input."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError

from course_utils.autoencoders import Autoencoder, keras_backend


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    latent = rng.normal(size=(1500, 3))
    X = latent @ rng.normal(size=(3, 12)) + 0.4 * rng.normal(size=(1500, 12))
    return (X - X.mean(0)) / X.std(0)


def pca_error(X, k):
    pca = PCA(k).fit(X)
    return float(np.mean((X - pca.inverse_transform(pca.transform(X))) ** 2))


def test_runs_on_jax():
    assert keras_backend() == "jax"


@pytest.mark.parametrize("k", [2, 3])
def test_linear_autoencoder_matches_pca(table, k):
    ae = Autoencoder(bottleneck=k, hidden=(), activation="linear", epochs=40, random_state=0).fit(table)
    err, ref = ae.reconstruction_error(table), pca_error(table, k)
    assert ref <= err * 1.001  # PCA is the best linear reconstruction
    assert err <= 1.10 * ref, (err, ref)


def test_same_seed_same_codes_and_no_global_side_effects(table):
    np.random.seed(123)
    before = np.random.random()
    np.random.seed(123)
    a = Autoencoder(bottleneck=2, hidden=(8,), epochs=5, random_state=4).fit(table)
    assert np.random.random() == before  # the caller's NumPy generator is untouched
    b = Autoencoder(bottleneck=2, hidden=(8,), epochs=5, random_state=4).fit(table)
    c = Autoencoder(bottleneck=2, hidden=(8,), epochs=5, random_state=5).fit(table)
    assert np.array_equal(a.transform(table), b.transform(table))
    assert not np.allclose(a.transform(table), c.transform(table))


def test_shapes_decode_and_sklearn_manners(table):
    frame = pd.DataFrame(table, columns=[f"f{i}" for i in range(12)])
    ae = Autoencoder(bottleneck=3, hidden=(8,), epochs=3)
    with pytest.raises(NotFittedError, match="call fit"):
        ae.transform(table)
    ae.fit(frame)
    codes = ae.transform(frame)
    assert codes.shape == (1500, 3)
    assert ae.inverse_transform(codes).shape == (1500, 12)
    assert np.allclose(ae.inverse_transform(codes), ae.reconstruct(frame), atol=1e-4)
    assert ae.reconstruction_error(frame, per_row=True).shape == (1500,)
    assert len(ae.history_["loss"]) == 3
    assert list(ae.feature_names_in_) == list(frame.columns)
    assert clone(ae).get_params() == ae.get_params()


@pytest.mark.parametrize("params, phrase", [
    ({"bottleneck": 0}, "bottleneck must be a whole number"),
    ({"bottleneck": 20}, "wider than the 12 input columns"),
    ({"activation": "sigmoidal"}, "activation must be one of"),
    ({"hidden": "32"}, "hidden must be a tuple"),
    ({"hidden": (8, 0)}, "each width in hidden"),
    ({"epochs": 2.5}, "epochs must be a whole number"),
    ({"learning_rate": 0}, "learning_rate must be a positive number"),
    ({"random_state": -3}, "random_state"),
])
def test_bad_parameters_are_named(table, params, phrase):
    with pytest.raises((ValueError, TypeError), match=phrase):
        Autoencoder(**params).fit(table)


def test_bad_data_is_named(table):
    with pytest.raises(ValueError, match="not numeric"):
        Autoencoder().fit(pd.DataFrame({"a": [1.0, 2.0], "region": ["x", "y"]}))
    nan = table.copy()
    nan[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"1 missing \(NaN\) value\(s\) in \[.column 2.\]"):
        Autoencoder().fit(nan)
    with pytest.raises(ValueError, match="2-D"):
        Autoencoder().fit(table[:, 0])
    with pytest.raises(TypeError, match="2-D numeric"):
        Autoencoder().fit("table.csv")
    ae = Autoencoder(bottleneck=2, epochs=1).fit(table)
    with pytest.raises(ValueError, match="has 11 columns but the model was fitted on 12"):
        ae.transform(table[:, :11])
