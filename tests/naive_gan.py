"""Plain NumPy references of the GAN's kernels: the players' objectives, the
critic's input gradient and its penalty, Adam, and one training epoch on
finite-difference gradients.

As in ``naive.py``, each function is written from the mathematics, in float64,
and never calls a kernel (the epoch takes the random draws as functions).
"""

import numpy as np
from naive_network import derivative, finite_difference_gradient, forward


def output(network, params, X):
    """The outputs of a floor network (its last activation applied)."""
    _, outputs = forward(network.coefs(params), network.intercepts(params),
                         network.activations, X)
    return outputs[-1]


def unit(loss, logits, real):
    """The loss of logits labelled real or generated."""
    if loss == "nonsaturating":
        return np.logaddexp(0, -logits) if real else np.logaddexp(0, logits)
    return -logits if real else logits


def input_gradient(critic, params, X):
    """dD/dx of each row, by backpropagation to the input."""
    coefs = critic.coefs(params)
    zs, _ = forward(coefs, critic.intercepts(params), critic.activations, X)
    g = np.tile(np.asarray(coefs[-1], dtype=float)[:, 0], (len(X), 1))
    for layer in range(len(coefs) - 2, -1, -1):
        g = (g * derivative(critic.activations[layer], zs[layer])) @ coefs[layer].T
    return g


def penalty(critic, params, X, weight):
    """``weight * sum (||dD/dx|| - 1)**2`` over the rows."""
    norms = np.linalg.norm(input_gradient(critic, params, X), axis=1)
    return weight * np.sum((norms - 1) ** 2)


def critic_objective(loss, critic, params, real, fake, interpolates=None, weight=0.0):
    """The critic's loss summed over the pairs, with the penalty at ``interpolates``."""
    total = (unit(loss, output(critic, params, real), True).sum()
             + unit(loss, output(critic, params, fake), False).sum())
    if interpolates is not None:
        total += penalty(critic, params, interpolates, weight)
    return total


def generator_objective(loss, network, params, noise):
    """The generator's loss summed over the rows of ``noise``."""
    fake = output(network.generator, network.generator_params(params), noise)
    return unit(loss, output(network.critic, network.critic_params(params), fake),
                True).sum()


class Adam:
    """Adam's update of one player's parameters (as sklearn's, with the bias
    correction folded into the step size)."""

    def __init__(self, learning_rate, beta_1, beta_2, epsilon):
        self.settings = learning_rate, beta_1, beta_2, epsilon
        self.first = self.second = 0.0
        self.t = 0

    def __call__(self, params, gradient):
        learning_rate, beta_1, beta_2, epsilon = self.settings
        self.t += 1
        self.first = beta_1 * self.first + (1 - beta_1) * gradient
        self.second = beta_2 * self.second + (1 - beta_2) * gradient**2
        step = learning_rate * np.sqrt(1 - beta_2**self.t) / (1 - beta_1**self.t)
        return params - step * self.first / (np.sqrt(self.second) + epsilon)


def epoch(loss, network, params, X, order, batch_size, n_critic, weight,
          generator_step, critic_step, draw_noise, draw_interpolates):
    """One epoch on finite-difference gradients.

    ``generator_step(params, gradient)`` and ``critic_step`` are the players'
    optimisers; ``draw_noise(n_rows)`` and ``draw_interpolates(real, fake)``
    the draws, in the kernel's order.
    """
    params = np.array(params, dtype=np.float64)
    n_generator = network.generator.n_params
    n_batches = -(-len(order) // batch_size)
    for batch in range(n_batches):
        real = X[order[batch * batch_size:(batch + 1) * batch_size]]
        n_rows = len(real)
        noise = draw_noise(n_rows)
        fake = output(network.generator, params[:n_generator], noise)
        interpolates = draw_interpolates(real, fake) if weight > 0 else None

        def critic_loss(p, real=real, fake=fake, interpolates=interpolates):
            return critic_objective(loss, network.critic, p, real, fake, interpolates,
                                    weight)

        params[n_generator:] = critic_step(
            params[n_generator:],
            finite_difference_gradient(critic_loss, params[n_generator:]) / n_rows)
        if (batch + 1) % n_critic == 0 or batch == n_batches - 1:
            noise = draw_noise(n_rows)

            def generator_loss(p, noise=noise):
                full = np.concatenate([p, params[n_generator:]])
                return generator_objective(loss, network, full, noise)

            params[:n_generator] = generator_step(
                params[:n_generator],
                finite_difference_gradient(generator_loss, params[:n_generator])
                / n_rows)
    return params
