"""Scale-out on Dask: a real 2-process distributed.LocalCluster runs a grid
search through joblib's dask backend, dask-ml's Incremental trains by
partial_fit over the blocks of a dask array, and ParallelPostFit transforms
block by block."""

import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skgen import (
    DBN,
    VAE,
    Autoencoder,
    BernoulliRBM,
    DBNClassifier,
    GaussianBernoulliRBM,
)

distributed = pytest.importorskip("distributed")
dask_array = pytest.importorskip("dask.array")
wrappers = pytest.importorskip("dask_ml.wrappers")
joblib = pytest.importorskip("joblib")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with cluster, distributed.Client(cluster) as client:
        yield client


def test_grid_search_on_the_cluster_equals_one_process(client, digits):
    X, y = digits
    X, y = X[:300], y[:300]
    pipeline = Pipeline([("rbm", BernoulliRBM(n_components=16, n_iter=3, random_state=0)),
                         ("clf", LogisticRegression(max_iter=200))])
    grid = {"rbm__n_components": [8, 16], "rbm__learning_rate": [0.05, 0.1]}
    local = GridSearchCV(pipeline, grid, cv=2, n_jobs=1).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = GridSearchCV(pipeline, grid, cv=2, n_jobs=-1).fit(X, y)
    assert_allclose(remote.cv_results_["mean_test_score"],
                    local.cv_results_["mean_test_score"])
    assert remote.best_params_ == local.best_params_


@pytest.mark.parametrize("make_model", [
    lambda: BernoulliRBM(n_components=8, random_state=0),
    lambda: GaussianBernoulliRBM(n_components=8, random_state=0),
    lambda: Autoencoder(hidden_layer_sizes=(8,), random_state=0),
    lambda: VAE(n_components=2, hidden_layer_sizes=(8,), random_state=0),
    # Without y, dask-ml hands partial_fit a placeholder key in its place, which
    # a DBN that models labels would take for labels.
    lambda: DBN(hidden_layer_sizes=(8, 6), use_labels=False, random_state=0),
], ids=["BernoulliRBM", "GaussianBernoulliRBM", "Autoencoder", "VAE", "DBN"])
def test_incremental_trains_block_by_block(client, digits, make_model):
    X = digits[0][:240]
    if isinstance(make_model(), GaussianBernoulliRBM):
        X = (X - X.mean(axis=0)) / (X.std(axis=0) + 0.1)
    blocks = dask_array.from_array(X, chunks=(60, X.shape[1]))
    incremental = wrappers.Incremental(make_model(), shuffle_blocks=False).fit(blocks)
    # The same passes, one per block in order, in this process.
    expected = make_model()
    for start in range(0, 240, 60):
        expected.partial_fit(X[start:start + 60])
    assert_allclose(incremental.estimator_.transform(X), expected.transform(X),
                    rtol=1e-10, atol=1e-12)


def test_incremental_fine_tunes_a_classifier_block_by_block(client, digits):
    X, y = digits[0][:240], digits[1][:240]
    X_blocks = dask_array.from_array(X, chunks=(60, X.shape[1]))
    y_blocks = dask_array.from_array(y, chunks=60)

    def make_model():
        return DBNClassifier((12,), n_iter=2, fine_tune_batch_size=20, random_state=0)

    incremental = wrappers.Incremental(make_model(), shuffle_blocks=False)
    incremental.fit(X_blocks, y_blocks, classes=list(range(10)))
    # The first block pretrains; each block then takes one fine-tuning pass.
    expected = make_model()
    for start in range(0, 240, 60):
        expected.partial_fit(X[start:start + 60], y[start:start + 60], classes=range(10))
    fitted = incremental.estimator_
    assert fitted.n_iter_ == 4
    assert_array_equal(fitted.classes_, range(10))
    assert_allclose(fitted.predict_proba(X), expected.predict_proba(X), rtol=1e-10)
    assert_array_equal(incremental.predict(X_blocks).compute(), expected.predict(X))


def test_parallel_post_fit_transforms_by_block(client, digits):
    X = digits[0][:200]
    model = BernoulliRBM(n_components=8, n_iter=2, random_state=0).fit(X)
    wrapped = wrappers.ParallelPostFit(model)
    blocks = dask_array.from_array(X, chunks=(50, X.shape[1]))
    assert_array_equal(wrapped.transform(blocks).compute(), model.transform(X))
