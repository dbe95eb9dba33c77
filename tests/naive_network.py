"""Plain NumPy references of the network floor's kernels: activations, the forward
pass, the losses at the output, and finite differences.

As in ``naive.py``, each function is written from the mathematics, as directly
as possible, in float64, and never calls a kernel.
"""

import numpy as np
from scipy.special import expit, log_expit, log_softmax

SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def activate(name, z):
    z = np.asarray(z, dtype=np.float64)
    if name == "identity":
        return z
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return expit(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "selu":
        return SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0)))
    raise ValueError(name)


def derivative(name, z):
    """f'(z), from the pre-activation."""
    z = np.asarray(z, dtype=np.float64)
    if name == "identity":
        return np.ones_like(z)
    if name == "relu":
        return (z > 0).astype(float)
    if name == "sigmoid":
        return expit(z) * (1 - expit(z))
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "selu":
        return SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(z, 0)))
    raise ValueError(name)


def forward(coefs, intercepts, activations, X):
    """Pre-activations and activations of every layer: ``(zs, outputs)``."""
    zs, outputs = [], [np.asarray(X, dtype=np.float64)]
    for W, b, name in zip(coefs, intercepts, activations):
        z = outputs[-1] @ np.asarray(W, dtype=np.float64) + b
        zs.append(z)
        outputs.append(activate(name, z))
    return zs, outputs


def output_loss(loss, z, activation, targets):
    """Per-row loss of the output layer with pre-activations z: "mse", "bce" or
    "log_loss" (softmax cross-entropy)."""
    if loss == "log_loss":
        return -(targets * log_softmax(z, axis=1)).sum(axis=1)
    if loss == "bce":
        return -(targets * log_expit(z) + (1 - targets) * log_expit(-z)).sum(axis=1)
    a = activate(activation, z)
    return 0.5 * ((a - targets) ** 2).sum(axis=1)


def finite_difference_gradient(function, x, step=1e-6):
    """Central differences of a scalar function of a 1-d float64 array."""
    x = np.array(x, dtype=np.float64)
    gradient = np.empty_like(x)
    for i in range(x.size):
        saved = x[i]
        x[i] = saved + step
        above = function(x)
        x[i] = saved - step
        below = function(x)
        x[i] = saved
        gradient[i] = (above - below) / (2 * step)
    return gradient
