"""Kernels of the generative adversarial network: the players' losses, the
gradient penalty of a Wasserstein critic (double backpropagation through the
critic), and one training epoch of both players.

The generator and the critic (discriminator) are two networks of the network
floor (``skgen.network``) whose parameters are consecutive slices of one flat
vector: the generator's, then the critic's. The critic's output slot is one
logit per row. A loss is a piece ``unit(logit, target)`` returning the loss of
one logit labelled real (target 1) or generated (target 0) and its derivative:
the critic minimises the mean of ``unit(D(x), 1) + unit(D(G(z)), 0)`` and the
generator that of ``unit(D(G(z)), 1)``.
"""

import functools

import numpy as np

from ..network._activations import ACTIVATIONS, like
from ..network._compile import (
    FALSE,
    TRUE,
    ZERO,
    internal_kernel,
    piece_name,
    specialized_kernel,
)
from ..network._layers import coef, intercept, n_network_params, slot
from ..network._losses import bce_unit
from ..network._passes import activation_delta, backward_pass, forward_pass
from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ..utils._random import advance, normal_row, uniform


@internal_kernel
def wasserstein_unit(z, x):
    """The critic's score of a logit: ``-z`` for real rows (x = 1), ``z`` for
    generated ones (x = 0), and its derivative."""
    sign = like(z, 1.0) - like(z, 2.0) * x
    return sign * z, sign


#: The losses by the names that ``loss`` accepts: the non-saturating loss is the
#: binary cross-entropy of the logit, ``softplus(-z)`` for real and
#: ``softplus(z)`` for generated rows (computed without overflow).
LOSSES = {"nonsaturating": bce_unit, "wasserstein-gp": wasserstein_unit}

#: The losses that add the gradient penalty to the critic's.
PENALIZED_LOSSES = ("wasserstein-gp",)


@internal_kernel
def split_params(params, generator):
    """The generator's and the critic's slices of ``params``."""
    n_generator = n_network_params(generator)
    return params[:n_generator], params[n_generator:]


# -- random draws -------------------------------------------------------------------------


@internal_kernel
def draw_noise(streams, noise, normals):
    """Fill ``noise`` with standard normals, row i from ``streams[i]``.

    The draws are float64 (``normals`` is float64 scratch of even length at
    least a row's), so that float32 and float64 models draw alike.
    """
    for i in range(noise.shape[0]):
        streams[i] = normal_row(streams[i], normals)
        for j in range(noise.shape[1]):
            noise[i, j] = noise.dtype.type(normals[j])


@internal_kernel
def draw_interpolates(streams, real, generated, out):
    """``out = generated + u (real - generated)`` with u uniform per row (from
    ``streams[i]``): the random interpolates of the gradient penalty. ``out``
    may be ``real``."""
    for i in range(out.shape[0]):
        u = out.dtype.type(uniform(streams[i], 0))
        streams[i] = advance(streams[i], 1)
        for j in range(out.shape[1]):
            out[i, j] = generated[i, j] + u * (real[i, j] - generated[i, j])


@internal_kernel
def copy_rows(source, out):
    """``out[:] = source`` for two (n_rows, n_columns) arrays."""
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = source[i, j]


# -- the players' losses ------------------------------------------------------------------


@functools.cache
def label_rows(loss):
    """The kernel ``(logits, n_real, delta, bias_grad, inv_n)``: the loss of
    logits whose first ``n_real`` rows are labelled real and the others
    generated, summed over the rows (float64); ``delta = dloss/dlogit * inv_n``,
    and ``bias_grad`` its sum."""
    unit = LOSSES[loss]

    def rows(logits, n_real, delta, bias_grad, inv_n):
        one, zero = logits.dtype.type(1.0), logits.dtype.type(0.0)
        total = 0.0
        bias_grad[0] = zero
        for i in range(logits.shape[0]):
            value, slope = unit(logits[i, 0], one if i < n_real else zero)
            total += value
            scaled = slope * inv_n
            delta[i, 0] = scaled
            bias_grad[0] += scaled
        return total

    return specialized_kernel(rows, f"label_rows({loss})", internal=True)


@functools.cache
def critic_pass(activation, loss):
    """The kernel ``loss_and_gradient(params, grads, critic, activations, deltas,
    columns, n_real, capacity)``: the critic's loss of a batch whose slot 0 holds
    ``n_real`` real rows then as many generated ones, summed over the pairs, and
    its gradient (of the mean over the pairs) into ``grads``; ``params`` and
    ``grads`` are the critic's."""
    forward = forward_pass(activation, "identity")
    backward = backward_pass(activation, inline=False)
    labelled = label_rows(loss)

    def loss_and_gradient(params, grads, critic, activations, deltas, columns, n_real,
                          capacity):
        n_layers = critic.shape[0]
        n_rows = 2 * n_real
        forward(params, critic, activations, n_rows, capacity, ZERO, n_layers)
        total = labelled(slot(activations, critic, n_layers, n_rows, capacity), n_real,
                         slot(deltas, critic, n_layers, n_rows, capacity),
                         intercept(grads, critic, n_layers - 1),
                         params.dtype.type(1.0) / n_real)
        backward(params, grads, critic, activations, deltas, columns, n_rows, capacity,
                 FALSE, ())
        return total

    return specialized_kernel(loss_and_gradient, f"critic_pass({activation}, {loss})",
                              internal=True)


@functools.cache
def penalty_pass(activation):
    """The kernel ``penalty_and_gradient(params, grads, critic, activations,
    input_grads, products, adjoints, n_rows, capacity, weight)``: the gradient
    penalty ``weight * (||grad_x D(x)||_2 - 1)**2`` of the rows in slot 0 of
    ``activations``, summed over them (float64), with the gradient of its mean
    added to ``grads`` (the critic's).

    ``input_grads``, ``products`` and ``adjoints`` are buffers of the critic's
    slots. The notation of the passes is in ``GAN``'s Notes: ``input_grads``
    gets ``g_l = dD/dh_l``, ``products`` ``u_l = g_l * f'(z_l)`` and then the
    adjoints of the pre-activations, ``adjoints`` those of ``g_l`` and then of
    ``h_l``.
    """
    forward = forward_pass(activation, "identity")
    derivative = ACTIVATIONS[activation].derivative
    second_derivative = ACTIVATIONS[activation].second_derivative

    def penalty_and_gradient(params, grads, critic, activations, input_grads, products,
                             adjoints, n_rows, capacity, weight):
        n_layers = critic.shape[0]
        top = n_layers - 1
        one = params.dtype.type(1.0)
        zero = 0 * one
        forward(params, critic, activations, n_rows, capacity, ZERO, n_layers)

        # The input gradient, from the output down: g_top is the last weights.
        last_weights = coef(params, critic, top)
        g = slot(input_grads, critic, top, n_rows, capacity)
        for i in range(n_rows):
            for j in range(g.shape[1]):
                g[i, j] = last_weights[j, 0]
        for layer in range(top - 1, -1, -1):
            a = slot(activations, critic, layer + 1, n_rows, capacity)
            g = slot(input_grads, critic, layer + 1, n_rows, capacity)
            u = slot(products, critic, layer + 1, n_rows, capacity)
            for i in range(n_rows):
                for j in range(u.shape[1]):
                    u[i, j] = g[i, j] * derivative(a[i, j])
            gemm(one, u, False, coef(params, critic, layer), True, zero,
                 slot(input_grads, critic, layer, n_rows, capacity))

        # The penalty, and its adjoint at the input gradient.
        g = slot(input_grads, critic, ZERO, n_rows, capacity)
        g_bar = slot(adjoints, critic, ZERO, n_rows, capacity)
        total = 0.0
        scale = 2.0 * weight / n_rows
        for i in range(n_rows):
            squares = 0.0
            for j in range(g.shape[1]):
                squares += float(g[i, j]) * float(g[i, j])
            norm = np.sqrt(squares)
            total += weight * (norm - 1.0) ** 2
            factor = params.dtype.type(scale * (norm - 1.0) / norm if norm > 0 else 0.0)
            for j in range(g.shape[1]):
                g_bar[i, j] = factor * g[i, j]

        # Up the layers: the adjoints of u and g, the weights' terms through g,
        # and the terms of the pre-activations through f'(z).
        for layer in range(top):
            g_bar = slot(adjoints, critic, layer, n_rows, capacity)
            u_bar = slot(adjoints, critic, layer + 1, n_rows, capacity)
            u = slot(products, critic, layer + 1, n_rows, capacity)
            gemm(one, g_bar, False, coef(params, critic, layer), False, zero, u_bar)
            gemm(one, g_bar, True, u, False, one, coef(grads, critic, layer))
            a = slot(activations, critic, layer + 1, n_rows, capacity)
            g = slot(input_grads, critic, layer + 1, n_rows, capacity)
            for i in range(n_rows):
                for j in range(u.shape[1]):
                    adjoint, output = u_bar[i, j], a[i, j]
                    u[i, j] = adjoint * g[i, j] * second_derivative(output)
                    u_bar[i, j] = adjoint * derivative(output)
        last_grad = coef(grads, critic, top)
        g_bar = slot(adjoints, critic, top, n_rows, capacity)
        for i in range(n_rows):
            for j in range(g_bar.shape[1]):
                last_grad[j, 0] += g_bar[i, j]

        # Down the layers: the adjoints of the pre-activations (in ``products``),
        # each layer's weight and bias terms, and the adjoint of its input.
        for layer in range(top - 1, -1, -1):
            z_bar = slot(products, critic, layer + 1, n_rows, capacity)
            if layer < top - 1:
                h_bar = slot(adjoints, critic, layer + 1, n_rows, capacity)
                a = slot(activations, critic, layer + 1, n_rows, capacity)
                for i in range(n_rows):
                    for j in range(z_bar.shape[1]):
                        z_bar[i, j] += h_bar[i, j] * derivative(a[i, j])
            gemm(one, slot(activations, critic, layer, n_rows, capacity), True, z_bar,
                 False, one, coef(grads, critic, layer))
            bias_grad = intercept(grads, critic, layer)
            for i in range(n_rows):
                for j in range(z_bar.shape[1]):
                    bias_grad[j] += z_bar[i, j]
            if layer > 0:
                gemm(one, z_bar, False, coef(params, critic, layer), True, zero,
                     slot(adjoints, critic, layer, n_rows, capacity))
        return total

    return specialized_kernel(penalty_and_gradient, f"penalty_pass({activation})",
                              internal=True)


@functools.cache
def generator_pass(activation, output_activation, loss):
    """The kernel ``loss_and_gradient(params, grads, generator, critic,
    generator_activations, generator_deltas, critic_activations, critic_deltas,
    columns, n_rows, capacity)``: the generator's loss of the noise in slot 0
    of ``generator_activations``, summed over the rows, and its gradient (of the
    mean) into the generator's slice of ``grads``. The critic's slice of
    ``grads`` is overwritten with scratch. The critic's buffers have
    ``2 * capacity`` rows.
    """
    generate = forward_pass(activation, output_activation)
    criticise = forward_pass(activation, "identity")
    backward = backward_pass(activation, inline=False)
    output_delta = activation_delta(output_activation)
    labelled = label_rows(loss)

    def loss_and_gradient(params, grads, generator, critic, generator_activations,
                          generator_deltas, critic_activations, critic_deltas, columns,
                          n_rows, capacity):
        generator_params, critic_params = split_params(params, generator)
        generator_grads, critic_grads = split_params(grads, generator)
        n_generator, n_critic = generator.shape[0], critic.shape[0]
        critic_capacity = 2 * capacity
        generate(generator_params, generator, generator_activations, n_rows, capacity,
                 ZERO, n_generator)
        generated = slot(generator_activations, generator, n_generator, n_rows, capacity)
        copy_rows(generated, slot(critic_activations, critic, ZERO, n_rows,
                                  critic_capacity))
        criticise(critic_params, critic, critic_activations, n_rows, critic_capacity,
                  ZERO, n_critic)
        total = labelled(slot(critic_activations, critic, n_critic, n_rows,
                              critic_capacity), n_rows,
                         slot(critic_deltas, critic, n_critic, n_rows, critic_capacity),
                         intercept(critic_grads, critic, n_critic - 1),
                         params.dtype.type(1.0) / n_rows)
        backward(critic_params, critic_grads, critic, critic_activations, critic_deltas,
                 columns, n_rows, critic_capacity, TRUE, ())
        delta = slot(generator_deltas, generator, n_generator, n_rows, capacity)
        copy_rows(slot(critic_deltas, critic, ZERO, n_rows, critic_capacity), delta)
        output_delta(generated, delta, intercept(generator_grads, generator,
                                                 n_generator - 1))
        backward(generator_params, generator_grads, generator, generator_activations,
                 generator_deltas, columns, n_rows, capacity, FALSE, ())
        return total

    return specialized_kernel(
        loss_and_gradient,
        f"generator_pass({activation}, {output_activation}, {loss})", internal=True)


# -- training -----------------------------------------------------------------------------


@functools.cache
def gan_epoch(activation, output_activation, loss, step):
    """The kernel ``fit_epoch(dense, data, indices, indptr, order, batch_size,
    params, grads, generator, critic, n_critic, penalty, moments, n_updates,
    settings, streams, buffers, normals, columns, totals)``: one pass over the
    rows ``order`` of X (dense, or CSR when ``dense`` is empty).

    Each mini-batch of ``batch_size`` real rows is one critic step: as many
    generated rows from fresh noise, the critic's loss, plus the gradient
    penalty of weight ``penalty`` (when positive) on random interpolates, and
    one optimiser ``step`` on the critic's slice of ``params``. After every
    ``n_critic``-th critic step, and after the last one of the epoch, one
    generator step: fresh noise for as many rows, the generator's loss through
    the critic, one step on the generator's slice. The generator's optimiser
    state is ``moments[:, :n]`` and ``n_updates[0]`` (n its number of
    parameters), the critic's the rest and ``n_updates[1]``. Row i of a batch
    draws from ``streams[i]``.

    ``buffers`` is ``(generator_activations, generator_deltas,
    critic_activations, critic_deltas, input_grads, products, adjoints)``, the
    generator's for ``batch_size`` rows, the critic's for twice as many.
    ``totals`` gets the critic's loss summed over the real rows, the
    generator's summed over its rows, and the number of those rows.
    """
    critic_loss = critic_pass(activation, loss)
    penalty_loss = penalty_pass(activation)
    generator_loss = generator_pass(activation, output_activation, loss)
    generate = forward_pass(activation, output_activation)

    def fit_epoch(dense, data, indices, indptr, order, batch_size, params, grads,
                  generator, critic, n_critic, penalty, moments, n_updates, settings,
                  streams, buffers, normals, columns, totals):
        (generator_activations, generator_deltas, critic_activations, critic_deltas,
         input_grads, products, adjoints) = buffers
        n_samples = order.shape[0]
        n_layers = generator.shape[0]
        n_generator = n_network_params(generator)
        generator_params, critic_params = split_params(params, generator)
        generator_grads, critic_grads = split_params(grads, generator)
        critic_capacity = 2 * batch_size
        n_batches = (n_samples + batch_size - 1) // batch_size
        critic_total = 0.0
        generator_total = 0.0
        generator_rows = 0
        for batch in range(n_batches):
            start = batch * batch_size
            n_rows = min(batch_size, n_samples - start)
            inputs = slot(critic_activations, critic, ZERO, 2 * n_rows, critic_capacity)
            real, fake = inputs[:n_rows], inputs[n_rows:]
            gather_rows(dense, data, indices, indptr, order, start, real)
            noise = slot(generator_activations, generator, ZERO, n_rows, batch_size)
            draw_noise(streams, noise, normals)
            generate(generator_params, generator, generator_activations, n_rows,
                     batch_size, ZERO, n_layers)
            copy_rows(slot(generator_activations, generator, n_layers, n_rows,
                           batch_size), fake)
            critic_total += critic_loss(critic_params, critic_grads, critic,
                                        critic_activations, critic_deltas, columns,
                                        n_rows, critic_capacity)
            if penalty > 0:
                draw_interpolates(streams, real, fake, real)
                critic_total += penalty_loss(critic_params, critic_grads, critic,
                                             critic_activations, input_grads, products,
                                             adjoints, n_rows, critic_capacity, penalty)
            step(critic_params, critic_grads, moments[:, n_generator:], n_updates[1:],
                 ZERO, 0.0, settings)
            if (batch + 1) % n_critic == 0 or batch == n_batches - 1:
                draw_noise(streams, noise, normals)
                generator_total += generator_loss(
                    params, grads, generator, critic, generator_activations,
                    generator_deltas, critic_activations, critic_deltas, columns,
                    n_rows, batch_size)
                generator_rows += n_rows
                step(generator_params, generator_grads, moments[:, :n_generator],
                     n_updates[:1], ZERO, 0.0, settings)
        totals[0] = critic_total
        totals[1] = generator_total
        totals[2] = generator_rows

    return specialized_kernel(
        fit_epoch,
        f"gan_epoch({activation}, {output_activation}, {loss}, {piece_name(step)})")
