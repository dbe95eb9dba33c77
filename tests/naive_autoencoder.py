"""Plain NumPy references of the autoencoder engine's kernels.

As in ``naive.py``, each function is written from the mathematics, as directly
as possible, in float64, and never calls a kernel. The contraction penalty is
computed from each row's explicit Jacobian matrix, not from the column norms the
kernels use; random streams come from ``naive.Streams``.
"""

import numpy as np
from scipy.special import expit, log_expit

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


def reconstruction_loss(loss, z, activation, targets):
    """Per-row loss of the output layer with pre-activations z."""
    if loss == "bce":
        return -(targets * log_expit(z) + (1 - targets) * log_expit(-z)).sum(axis=1)
    a = activate(activation, z)
    return 0.5 * ((a - targets) ** 2).sum(axis=1)


def kl_divergence(target, mean):
    return target * np.log(target / mean) + (1 - target) * np.log((1 - target) / (1 - mean))


def layer_jacobian_norms(W, z, name):
    """||d f(x W + b) / dx||_F^2 of each row, from the explicit Jacobian matrices."""
    W = np.asarray(W, dtype=np.float64)
    slopes = derivative(name, z)
    jacobians = slopes[:, :, None] * W.T[None, :, :]  # (rows, fan_out, fan_in)
    return (jacobians**2).sum(axis=(1, 2))


def penalty(kind, weight, target, W, z, a, name):
    """A layer's penalty summed over the rows."""
    if kind == "l1":
        return weight * np.abs(a).sum()
    if kind == "kl":
        return weight * a.shape[0] * kl_divergence(target, a.mean(axis=0)).sum()
    if kind == "contraction":
        return weight * layer_jacobian_norms(W, z, name).sum()
    return 0.0


def objective(coefs, intercepts, activations, loss, penalties, inputs, targets):
    """Reconstruction loss plus penalties, summed over the rows.

    ``penalties[l]`` is None or ``(kind, weight, target)`` for layer l's outputs.
    """
    zs, outputs = forward(coefs, intercepts, activations, inputs)
    total = reconstruction_loss(loss, zs[-1], activations[-1], targets).sum()
    for layer, spec in enumerate(penalties[:-1]):
        if spec is not None:
            kind, weight, target = spec
            total += penalty(kind, weight, target, coefs[layer], zs[layer],
                             outputs[layer + 1], activations[layer])
    return total


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


# -- noise ------------------------------------------------------------------------------


def corrupt(noise, level, clean, streams):
    """The corrupted rows; row i draws from stream i of ``naive.Streams``."""
    clean = np.asarray(clean)
    if noise == "gaussian":
        return clean + (level * streams.normal(*clean.shape)).astype(clean.dtype)
    out = clean.copy()
    for i in range(clean.shape[0]):
        u = np.array(streams.uniforms(i, clean.shape[1]))
        if noise == "masking":
            out[i, u < level] = 0
        elif noise == "salt_and_pepper":
            out[i, u < level] = (u[u < level] >= level / 2).astype(clean.dtype)
    return out
