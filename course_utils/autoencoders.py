"""A small autoencoder with scikit-learn's manners, on Keras 3.

:class:`Autoencoder` squeezes each row of a numeric table through a narrow
layer (the *bottleneck*) and learns to rebuild the row from it. The bottleneck
values are the row's *codes*, a learned low-dimensional representation, like
principal components but possibly bent: with ``activation="linear"`` the best
an autoencoder can do is the subspace PCA finds, so the two nearly agree.

>>> ae = Autoencoder(bottleneck=4, hidden=(16,), epochs=50).fit(X_train)   # doctest: +SKIP
>>> codes = ae.transform(X)                  # one row of codes per customer  # doctest: +SKIP
>>> X_back = ae.inverse_transform(codes)     # decoded back to the features   # doctest: +SKIP
>>> ae.reconstruction_error(X_valid)         # mean squared error             # doctest: +SKIP

Keras runs on the JAX backend, on the CPU. Importing this module sets
``KERAS_BACKEND=jax`` (and ``JAX_PLATFORMS=cpu``) unless you chose a backend
yourself before Keras was imported; Keras itself is imported on first use, so
importing the module costs nothing.
"""

from __future__ import annotations

import numbers
import os
import random

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from course_utils.validation import numeric_matrix, whole_number

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
# XLA compiles once per model shape; the compiled code is reused for every batch.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ACTIVATIONS = ("relu", "tanh", "elu", "selu", "sigmoid", "gelu", "linear")

__all__ = ["ACTIVATIONS", "Autoencoder", "keras_backend"]


def keras_backend() -> str:
    """The backend Keras runs on (imports Keras): ``"jax"`` unless you chose another."""
    import keras

    return keras.backend.backend()


def _table(X, name: str = "X", n_features: int | None = None) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if bad:
            raise ValueError(f"{name} column(s) {bad[:5]} are not numeric; encode categories first "
                             "(pd.get_dummies) and scale the numbers (StandardScaler)")
    if isinstance(X, (str, bytes, dict)) or X is None:
        raise TypeError(f"{name} must be a 2-D numeric array or DataFrame, got {type(X).__name__}")
    # Checked in float64 first (text, complex numbers, NaN, inf named by column), then against float32's range.
    values = numeric_matrix(X, name)
    if values.shape[0] < 1 or values.shape[1] < 1:
        raise ValueError(f"{name} is empty (shape {values.shape})")
    too_large = np.abs(values) > np.finfo(np.float32).max
    if too_large.any():
        raise ValueError(f"{name} has {int(too_large.sum())} value(s) beyond 3.4e38, which the network's float32 "
                         "cannot hold; scale the features first (StandardScaler)")
    arr = values.astype("float32")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"{name} has {arr.shape[1]} columns but the model was fitted on {n_features}")
    return arr


class Autoencoder(TransformerMixin, BaseEstimator):
    """A dense autoencoder: input -> hidden layers -> bottleneck -> hidden layers (mirrored) -> input.

    Parameters
    ----------
    bottleneck : int
        Number of codes per row (the width of the narrow layer).
    hidden : tuple of int
        Widths of the encoder's hidden layers; the decoder mirrors them.
        ``()`` connects the input straight to the bottleneck.
    activation : str
        Activation of the hidden layers (one of :data:`ACTIVATIONS`). The
        bottleneck and the output are always linear. ``"linear"`` makes the
        whole network linear: it then learns the same subspace as PCA.
    epochs, batch_size, learning_rate
        Adam's training schedule; the loss is the mean squared error.
    random_state : int
        Seeds the starting weights and the shuffling: the same seed gives the
        same codes.
    verbose : int
        0 trains silently; 1 shows Keras's progress bar.

    Attributes
    ----------
    model_, encoder_, decoder_ : keras.Model
        The whole network and its two halves.
    history_ : dict
        The training loss per epoch (``history_["loss"]``).
    n_features_in_ : int

    Notes
    -----
    Scale the inputs first (``StandardScaler``); the autoencoder does not. It
    follows scikit-learn's conventions (``get_params``, ``clone``,
    ``NotFittedError`` before ``fit``), so it fits in a ``Pipeline``.
    """

    def __init__(self, bottleneck: int = 2, hidden: tuple = (32,), activation: str = "relu", epochs: int = 50,
                 batch_size: int = 64, learning_rate: float = 0.003, random_state: int = 0, verbose: int = 0):
        self.bottleneck = bottleneck
        self.hidden = hidden
        self.activation = activation
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.verbose = verbose

    # -- checks ----------------------------------------------------------------------
    def _check_params(self, n_features: int) -> tuple:
        bottleneck = whole_number(self.bottleneck, "bottleneck")
        if bottleneck > n_features:
            raise ValueError(f"bottleneck={bottleneck} is wider than the {n_features} input columns; an autoencoder "
                             "compresses, so choose a bottleneck below the number of columns")
        if isinstance(self.hidden, (str, bytes)) or not hasattr(self.hidden, "__iter__"):
            raise TypeError(f"hidden must be a tuple of layer widths such as (32,) or (), got {self.hidden!r}")
        hidden = tuple(whole_number(h, "each width in hidden") for h in self.hidden)
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}")
        epochs = whole_number(self.epochs, "epochs", maximum=10_000)
        batch_size = whole_number(self.batch_size, "batch_size")
        lr = self.learning_rate
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"learning_rate must be a positive number such as 0.003, got {lr!r}")
        seed = whole_number(self.random_state, "random_state", minimum=0)
        return bottleneck, hidden, epochs, batch_size, float(lr), seed

    # -- fitting ----------------------------------------------------------------------
    def _build(self, n_features, bottleneck, hidden, lr, seed):
        import keras

        init = iter(range(seed * 1000, seed * 1000 + 100))

        def dense(width, activation, name):
            return keras.layers.Dense(width, activation=activation, name=name,
                                      kernel_initializer=keras.initializers.GlorotUniform(seed=next(init)))

        inputs = keras.Input(shape=(n_features,), name="features")
        x = inputs
        for i, width in enumerate(hidden):
            x = dense(width, self.activation, f"encode_{i}")(x)
        codes = dense(bottleneck, "linear", "bottleneck")(x)
        decoder_in = keras.Input(shape=(bottleneck,), name="codes")
        y = decoder_in
        for i, width in enumerate(reversed(hidden)):
            y = dense(width, self.activation, f"decode_{i}")(y)
        out = dense(n_features, "linear", "reconstruction")(y)
        encoder = keras.Model(inputs, codes, name="encoder")
        decoder = keras.Model(decoder_in, out, name="decoder")
        model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
        return model, encoder, decoder

    def fit(self, X, y=None):
        """Learn to rebuild ``X`` (rows x numeric features, scaled) through the bottleneck."""
        arr = _table(X)
        if len(arr) < 2:
            raise ValueError(f"X has {len(arr)} row; an autoencoder needs at least 2 rows to learn from")
        bottleneck, hidden, epochs, batch_size, lr, seed = self._check_params(arr.shape[1])
        import keras

        # Keras shuffles the rows with NumPy's global generator: seed it for the fit, then
        # give the caller their generators back untouched.
        np_state, py_state = np.random.get_state(), random.getstate()
        try:
            keras.utils.set_random_seed(seed)
            self.model_, self.encoder_, self.decoder_ = self._build(arr.shape[1], bottleneck, hidden, lr, seed)
            history = self.model_.fit(arr, arr, epochs=epochs, batch_size=batch_size, shuffle=True,
                                      verbose=self.verbose)
        finally:
            np.random.set_state(np_state)
            random.setstate(py_state)
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        self.n_features_in_ = arr.shape[1]
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        return self

    # -- using it -----------------------------------------------------------------------
    def _fitted(self):
        check_is_fitted(self, "model_", msg="This Autoencoder is not fitted yet; call fit(X) first.")

    def transform(self, X) -> np.ndarray:
        """The codes of each row: shape (rows, bottleneck)."""
        self._fitted()
        arr = _table(X, n_features=self.n_features_in_)
        return np.asarray(self.encoder_.predict(arr, verbose=0, batch_size=4096), dtype=float)

    def inverse_transform(self, codes) -> np.ndarray:
        """Decode codes (rows x bottleneck) back into the input's features."""
        self._fitted()
        arr = _table(codes, "codes", n_features=self.encoder_.output.shape[-1])
        return np.asarray(self.decoder_.predict(arr, verbose=0, batch_size=4096), dtype=float)

    def reconstruct(self, X) -> np.ndarray:
        """``inverse_transform(transform(X))``: each row as the autoencoder rebuilds it."""
        self._fitted()
        arr = _table(X, n_features=self.n_features_in_)
        return np.asarray(self.model_.predict(arr, verbose=0, batch_size=4096), dtype=float)

    def reconstruction_error(self, X, per_row: bool = False):
        """Mean squared error between ``X`` and its reconstruction.

        The same measure as PCA's ``mean((X - pca.inverse_transform(pca.transform(X)))**2)``;
        compute it on rows the model was not fitted on to choose a bottleneck.
        ``per_row=True`` gives one error per row (large for unusual rows).
        """
        self._fitted()
        arr = _table(X, n_features=self.n_features_in_)
        sq = (arr.astype(float) - self.reconstruct(arr)) ** 2
        return sq.mean(axis=1) if per_row else float(sq.mean())
