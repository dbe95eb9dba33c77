"""The layer table of skgen.network._layers: offsets, tied weights, packing."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skgen.network._layers import ACCUMULATE, TRANSPOSED, Network


def mirrored(n_features, hidden, tied):
    """An autoencoder-shaped network: the encoder's sizes, then the same in reverse."""
    n_encoder = len(hidden)
    units = [n_features, *hidden, *hidden[-2::-1], n_features]
    shared = None
    if tied:
        shared = [None] * n_encoder + [n_encoder - 1 - i for i in range(n_encoder)]
    return Network(units, "relu", "identity", shared)


def test_tied_network_shares_one_matrix_and_accumulates_its_gradient():
    network = mirrored(6, [4, 3], tied=True)
    untied = mirrored(6, [4, 3], tied=False)
    assert network.n_coefs == 6 * 4 + 4 * 3
    assert untied.n_coefs == 2 * network.n_coefs
    params = np.arange(network.n_params, dtype=np.float64)
    coefs = network.coefs(params)
    for encoder, decoder in zip(coefs[:2], coefs[:1:-1]):
        assert np.shares_memory(encoder, decoder)
        assert_array_equal(decoder, encoder.T)
    # The decoder layers, visited first by backpropagation, write the shared
    # gradient; the encoder layers add to it.
    assert_array_equal(network.layers[:, ACCUMULATE], [1, 1, 0, 0])
    assert_array_equal(network.layers[:, TRANSPOSED], [0, 0, 1, 1])
    assert network.activations == ("relu", "relu", "relu", "identity")
    assert "tied" in network.description and "tied" not in untied.description


def test_pack_round_trip_and_bad_sharing():
    network = mirrored(5, [3], tied=False)
    rng = np.random.RandomState(0)
    coefs = [rng.standard_normal((5, 3)), rng.standard_normal((3, 5))]
    intercepts = [rng.standard_normal(3), rng.standard_normal(5)]
    params = network.pack(coefs, intercepts, np.float32)
    for given, view in zip(coefs + intercepts,
                           network.coefs(params) + network.intercepts(params)):
        assert_allclose(view, given.astype(np.float32))
    with pytest.raises(ValueError, match="cannot use the transposed weights"):
        Network([5, 3, 4], "relu", "relu", [None, 0])


def test_initial_params_are_sklearns_glorot_draws_in_order():
    network = Network([4, 3, 2], "sigmoid", "identity")
    params = network.initial_params(np.random.RandomState(0), np.float64, 2.0)
    rng = np.random.RandomState(0)
    expected = []
    for fan_in, fan_out in [(4, 3), (3, 2)]:
        bound = np.sqrt(2.0 / (fan_in + fan_out))
        expected.append((rng.uniform(-bound, bound, (fan_in, fan_out)),
                         rng.uniform(-bound, bound, fan_out)))
    for (weights, bias), view, bias_view in zip(expected, network.coefs(params),
                                                network.intercepts(params)):
        assert_array_equal(view, weights)
        assert_array_equal(bias_view, bias)


def test_fan_in_params_are_pytorchs_bounds_drawn_in_order():
    network = mirrored(4, [3], tied=True)
    params = network.fan_in_params(np.random.RandomState(0), np.float64)
    rng = np.random.RandomState(0)
    weights = rng.uniform(-1 / 2, 1 / 2, (4, 3))  # 1 / sqrt(fan_in 4)
    biases = [rng.uniform(-1 / 2, 1 / 2, 3), rng.uniform(-1 / np.sqrt(3), 1 / np.sqrt(3), 4)]
    # The tied decoder draws no weights of its own.
    assert_array_equal(network.coefs(params)[0], weights)
    assert_array_equal(network.coefs(params)[1], weights.T)
    for bias, bias_view in zip(biases, network.intercepts(params)):
        assert_array_equal(bias_view, bias)
    params32 = network.fan_in_params(np.random.RandomState(0), np.float32)
    assert_array_equal(params32, params.astype(np.float32))
