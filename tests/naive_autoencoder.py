"""Plain NumPy references of the autoencoders' kernels: activity penalties, the
reconstruction objective and the noise models.

As in ``naive.py``, each function is written from the mathematics, as directly
as possible, in float64, and never calls a kernel. The contraction penalty is
computed from each row's explicit Jacobian matrix, not from the column norms the
kernels use; random streams come from ``naive.Streams``.
"""

import numpy as np
from naive_network import derivative, forward, output_loss


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
    total = output_loss(loss, zs[-1], activations[-1], targets).sum()
    for layer, spec in enumerate(penalties[:-1]):
        if spec is not None:
            kind, weight, target = spec
            total += penalty(kind, weight, target, coefs[layer], zs[layer],
                             outputs[layer + 1], activations[layer])
    return total


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
