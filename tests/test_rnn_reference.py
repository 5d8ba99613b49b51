"""Chapter 9's NumPy reference, coursetools.rnn_reference, against the frameworks as the oracle.

The forward pass against ``keras.layers.SimpleRNN(return_sequences=True)`` and
``torch.nn.RNN(batch_first=True)`` on the same weights (tanh and ReLU in both, sigmoid in Keras,
several shapes, with and without h_0); BPTT by hand against torch autograd of a step written out
in torch (tanh, sigmoid, ReLU) and of nn.RNN itself, for several losses; truncated BPTT against
torch with ``h.detach()`` every k steps; zero weights; clipping against
``torch.nn.utils.clip_grad_norm_`` and one SGD step (lr = 1) of Keras with ``clipnorm`` and
``global_clipnorm``; the parameter counts against Keras's count_params and torch's parameters;
the Jacobian norms ‖∂h_T/∂h_t‖ against torch autograd, decaying for tanh and sigmoid with small
weights and growing for ReLU with large ones. The curriculum's numbers are checked as well, but
always beside a framework's value.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from coursetools.rnn_reference import (
    DERIVATIVE_MAX,
    Activation,
    clip_by_global_norm,
    clip_by_norm,
    demo_rnn,
    from_torch_rnn,
    global_norm,
    grad_factor_bound,
    gradient_norms_over_time,
    jacobian_bound,
    jacobian_norms,
    rnn_bptt,
    rnn_forward,
    simple_rnn_params,
    to_torch_rnn,
)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

# (batch, T, inputs, units)
SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (3, 12, 7, 32), (1, 20, 2, 8)]
TORCH_ACT: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}


@pytest.fixture(scope="module")
def keras():  # type: ignore[no-untyped-def]
    import keras

    return keras


def f32(a: np.ndarray) -> np.ndarray:
    """Values that float32 holds exactly, so float32 frameworks and float64 NumPy see the same."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def weights(draw: np.random.Generator, inputs: int, units: int,
            scale: float = 0.6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (f32(draw.normal(size=(inputs, units)) / np.sqrt(inputs)),
            f32(draw.normal(size=(units, units)) * scale / np.sqrt(units)),
            f32(draw.normal(size=units) * 0.3))


def keras_rnn(keras: Any, x: np.ndarray, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray,
              h0: np.ndarray | None, activation: str) -> np.ndarray:
    layer = keras.layers.SimpleRNN(W_h.shape[0], activation=activation, return_sequences=True)
    layer.build((None, None, W_x.shape[0]))
    layer.set_weights([a.astype("float32") for a in (W_x, W_h, b)])
    state = None if h0 is None else [h0.astype("float32")]
    return np.asarray(keras.ops.convert_to_numpy(layer(x.astype("float32"), initial_state=state)))


def torch_rnn_layer(W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, activation: str,
                    dtype: torch.dtype = torch.float32) -> nn.RNN:
    layer = nn.RNN(W_x.shape[0], W_h.shape[0], nonlinearity=activation, batch_first=True).to(dtype)
    layer.load_state_dict({k: torch.tensor(v, dtype=dtype) for k, v in to_torch_rnn(W_x, W_h, b).items()})
    return layer


def torch_rnn(x: np.ndarray, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, h0: np.ndarray | None,
              activation: str) -> np.ndarray:
    layer = torch_rnn_layer(W_x, W_h, b, activation)
    state = None if h0 is None else torch.tensor(h0, dtype=torch.float32).unsqueeze(0)
    with torch.no_grad():
        out, last = layer(torch.tensor(x, dtype=torch.float32), state)
    assert torch.equal(out[..., -1, :], last[0])
    return out.numpy()


# --- The forward pass --------------------------------------------------------------------------

def test_the_forward_pass_matches_keras_and_torch(keras) -> None:  # type: ignore[no-untyped-def]
    draw = np.random.default_rng(0)
    checked = 0
    for batch, steps, inputs, units in SHAPES:
        x = f32(draw.normal(size=(batch, steps, inputs)))
        W_x, W_h, b = weights(draw, inputs, units)
        for activation in ("tanh", "relu", "sigmoid"):
            for h0 in (None, f32(draw.normal(size=(batch, units)))):
                ours = rnn_forward(x, W_x, W_h, b, h0, activation)  # type: ignore[arg-type]
                where = (batch, steps, inputs, units, activation, h0 is None)
                assert ours.shape == (batch, steps, units), where
                from_keras = keras_rnn(keras, x, W_x, W_h, b, h0, activation)
                assert np.allclose(from_keras, ours, atol=1e-5), where
                if activation != "sigmoid":  # nn.RNN has tanh and relu only
                    assert np.allclose(torch_rnn(x, W_x, W_h, b, h0, activation), ours, atol=1e-5), where
                # One sequence without a batch axis is the same.
                one = rnn_forward(x[0], W_x, W_h, b, None if h0 is None else h0[0], activation)  # type: ignore[arg-type]
                assert np.allclose(one, ours[0]), where
                checked += 1
    assert checked == len(SHAPES) * 3 * 2
    # torch's unbatched input (T, in) with h0 (1, H), and one h0 (H,) broadcast over a batch.
    x, (W_x, W_h, b) = f32(draw.normal(size=(6, 3))), weights(draw, 3, 5)
    h0 = f32(draw.normal(size=5))
    layer = torch_rnn_layer(W_x, W_h, b, "tanh")
    with torch.no_grad():
        out = layer(torch.tensor(x, dtype=torch.float32), torch.tensor(h0, dtype=torch.float32)[None])[0]
    assert np.allclose(out.numpy(), rnn_forward(x, W_x, W_h, b, h0), atol=1e-5)
    assert np.allclose(rnn_forward(np.stack([x, x]), W_x, W_h, b, h0)[1], rnn_forward(x, W_x, W_h, b, h0))
    # The mapping back: the two torch biases summed.
    state = {k: v.detach().numpy().astype(np.float64) for k, v in nn.RNN(3, 5).state_dict().items()}
    back = from_torch_rnn(state)
    assert np.allclose(back[2], state["bias_ih_l0"] + state["bias_hh_l0"])
    assert {k: v.shape for k, v in to_torch_rnn(*back).items()} == {k: v.shape for k, v in state.items()}


def test_zero_weights_and_zero_h0_give_zero_states(keras) -> None:  # type: ignore[no-untyped-def]
    x = np.random.default_rng(1).normal(size=(2, 9, 7))
    zeros = (np.zeros((7, 32)), np.zeros((32, 32)), np.zeros(32))
    for activation in ("tanh", "relu"):
        ours = rnn_forward(x, *zeros, np.zeros(32), activation)  # type: ignore[arg-type]
        assert not ours.any()
        assert not keras_rnn(keras, x, *zeros, np.zeros((2, 32)), activation).any()
        assert not torch_rnn(x, *zeros, np.zeros((2, 32)), activation).any()
    # The sigmoid is not zero at zero: σ(0) = 1/2, in Keras too.
    half = rnn_forward(x, *zeros, None, "sigmoid")
    assert np.allclose(half, keras_rnn(keras, x, *zeros, None, "sigmoid")) and np.all(half == 0.5)


# --- Backpropagation through time ----------------------------------------------------------------

def torch_grads(x: np.ndarray, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, h0: np.ndarray | None,
                activation: str, loss: Callable[[torch.Tensor], torch.Tensor],
                detach_every: int | None = None) -> tuple[list[np.ndarray], np.ndarray]:
    """Autograd of loss(states) through the step written out in torch, float64; with
    detach_every=k the state is detached before steps k+1, 2k+1, … (1-based). Returns the
    gradients for W_x, W_h, b, h0, x and the states."""
    t_x, t_wx, t_wh, t_b = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x, W_x, W_h, b))
    shape = x.shape[:-2] + (W_h.shape[0],)
    t_h0 = torch.tensor(np.zeros(shape) if h0 is None else h0, dtype=torch.float64, requires_grad=True)
    act = TORCH_ACT[activation]
    h = t_h0.expand(shape)  # an h0 of (H,) is shared by the batch
    states = []
    for t in range(x.shape[-2]):
        if detach_every and t > 0 and t % detach_every == 0:
            h = h.detach()
        h = act(t_x[..., t, :] @ t_wx + h @ t_wh + t_b)
        states.append(h)
    out = torch.stack(states, dim=-2)
    loss(out).backward()
    grads = [a.grad.numpy() if a.grad is not None else np.zeros(a.shape) for a in (t_wx, t_wh, t_b, t_h0, t_x)]
    return grads, out.detach().numpy()


def weighted(D: np.ndarray) -> Callable[[torch.Tensor], torch.Tensor]:
    """L = Σ_t ⟨D_t, h_t⟩, whose ∂L/∂h_t is D_t."""
    return lambda states: (states * torch.tensor(D)).sum()


def half_square(states: torch.Tensor) -> torch.Tensor:
    """L = ½ Σ h², whose ∂L/∂h is h."""
    return 0.5 * (states ** 2).sum()


def test_bptt_matches_torch_autograd() -> None:
    draw = np.random.default_rng(2)
    checked = 0
    for batch, steps, inputs, units in SHAPES:
        x = draw.normal(size=(batch, steps, inputs))
        W_x, W_h, b = weights(draw, inputs, units, scale=0.9)
        D = draw.normal(size=(batch, steps, units))
        # The losses: weighted states, the last state alone, and a nonlinear one (½ Σ h²).
        last = np.concatenate([np.zeros_like(D[..., :-1, :]), D[..., -1:, :]], axis=-2)
        losses = [(weighted(D), D), (weighted(last), last), (half_square, None)]
        for activation in ("tanh", "sigmoid", "relu"):
            for h0 in (None, draw.normal(size=(batch, units)), draw.normal(size=units)):
                for loss, d_states in losses:
                    expected, states = torch_grads(x, W_x, W_h, b, h0, activation, loss)
                    if d_states is None:
                        d_states = states  # ∂(½ Σ h²)/∂h = h
                    ours = rnn_bptt(x, W_x, W_h, b, h0, d_states, activation)  # type: ignore[arg-type]
                    where = (batch, steps, inputs, units, activation, None if h0 is None else h0.shape)
                    for name, mine, theirs in zip(ours._fields, ours, expected):
                        if h0 is None and name == "h0":
                            assert mine.shape == (batch, units), where
                        assert mine.shape == theirs.shape, (where, name)
                        assert np.allclose(mine, theirs, atol=1e-10, rtol=1e-8), (where, name)
                    checked += 1
    assert checked == len(SHAPES) * 3 * 3 * 3


def test_bptt_matches_nn_rnn_autograd() -> None:
    """The framework's own layer: its weight_ih_l0 is W_xᵀ, and both its biases get ∂L/∂b."""
    draw = np.random.default_rng(3)
    for activation in ("tanh", "relu"):
        x = draw.normal(size=(3, 10, 4))
        W_x, W_h, b = weights(draw, 4, 6)
        h0, D = draw.normal(size=(3, 6)), draw.normal(size=(3, 10, 6))
        layer = torch_rnn_layer(W_x, W_h, b, activation, torch.float64)
        t_x, t_h0 = (torch.tensor(a, requires_grad=True) for a in (x, h0))
        out, _ = layer(t_x, t_h0[None])
        (out * torch.tensor(D)).sum().backward()
        ours = rnn_bptt(x, W_x, W_h, b, h0, D, activation)  # type: ignore[arg-type]
        grads = {name: p.grad.numpy() for name, p in layer.named_parameters() if p.grad is not None}
        assert np.allclose(grads["weight_ih_l0"], ours.W_x.T) and np.allclose(grads["weight_hh_l0"], ours.W_h.T)
        assert np.allclose(grads["bias_ih_l0"], ours.b) and np.allclose(grads["bias_hh_l0"], ours.b)
        assert t_h0.grad is not None and t_x.grad is not None
        assert np.allclose(t_h0.grad.numpy(), ours.h0) and np.allclose(t_x.grad.numpy(), ours.x)


def test_truncated_bptt_matches_torch_with_detach() -> None:
    draw = np.random.default_rng(4)
    for activation in ("tanh", "sigmoid", "relu"):
        for batch, steps, inputs, units in ((2, 7, 3, 4), (1, 12, 2, 5)):
            x = draw.normal(size=(batch, steps, inputs))
            W_x, W_h, b = weights(draw, inputs, units, scale=0.9)
            h0, D = draw.normal(size=(batch, units)), draw.normal(size=(batch, steps, units))
            full = rnn_bptt(x, W_x, W_h, b, h0, D, activation)  # type: ignore[arg-type]
            for k in (1, 2, 3, 5, steps - 1, steps, steps + 3):
                expected, _ = torch_grads(x, W_x, W_h, b, h0, activation,
                                          weighted(D), detach_every=k)
                ours = rnn_bptt(x, W_x, W_h, b, h0, D, activation, truncate=k)  # type: ignore[arg-type]
                for name, mine, theirs in zip(ours._fields, ours, expected):
                    assert np.allclose(mine, theirs, atol=1e-10, rtol=1e-8), (activation, steps, k, name)
                if k >= steps:  # nothing to cut: full BPTT
                    assert all(np.allclose(a, c) for a, c in zip(ours, full))
                else:  # the cut changes W_h's gradient and that of the first inputs
                    assert not np.allclose(ours.W_h, full.W_h) and not np.array_equal(ours.x[:, 0], full.x[:, 0])
                    # the last chunk is untouched: its inputs' gradients are those of full BPTT
                    last = (steps - 1) // k * k
                    assert np.allclose(ours.x[:, last:], full.x[:, last:])
    with pytest.raises(ValueError):
        rnn_bptt(np.zeros((3, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.zeros(1), None, np.zeros((3, 1)),
                 truncate=0)


# --- Vanishing and exploding gradients -----------------------------------------------------------

def torch_jacobian_norms(x: np.ndarray, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray,
                         activation: str) -> np.ndarray:
    """‖∂h_T/∂h_t‖₂ for t = T … 0 by torch autograd: h_t as an input, steps t+1 … T run on it."""
    t_x, t_wx, t_wh, t_b = (torch.tensor(a, dtype=torch.float64) for a in (x, W_x, W_h, b))
    act = TORCH_ACT[activation]
    steps = x.shape[0]

    def run(h: torch.Tensor, start: int) -> torch.Tensor:
        for s in range(start, steps):
            h = act(t_x[s] @ t_wx + h @ t_wh + t_b)
        return h

    states = [torch.zeros(W_h.shape[0], dtype=torch.float64)]
    for s in range(steps):
        states.append(act(t_x[s] @ t_wx + states[-1] @ t_wh + t_b))
    norms = []
    for t in range(steps, -1, -1):  # h_t is states[t]; h_T depends on it through steps t+1 … T
        jacobian = torch.autograd.functional.jacobian(lambda h, t=t: run(h, t), states[t])
        norms.append(float(torch.linalg.matrix_norm(jacobian, ord=2)))
    return np.array(norms)


@pytest.mark.parametrize("activation,scale", [("tanh", 0.5), ("tanh", 1.0), ("sigmoid", 1.0), ("sigmoid", 4.0),
                                              ("relu", 0.5), ("relu", 2.0)])
def test_jacobian_norms_match_torch_autograd(activation: Activation, scale: float) -> None:
    steps = 25
    for seed in (0, 1):
        x, W_x, W_h, b = demo_rnn(scale, steps=steps, seed=seed)
        theirs = torch_jacobian_norms(x, W_x, W_h, b, activation)
        ours = gradient_norms_over_time(activation, scale, steps=steps, seed=seed)
        assert ours.shape == (steps + 1,) and np.isclose(np.linalg.norm(W_h, 2), scale)
        assert np.allclose(ours, theirs, rtol=1e-7, atol=1e-300), (activation, scale, seed)
        assert np.allclose(jacobian_norms(x, W_x, W_h, b, None, activation), ours)
        # Pascanu's bound holds at every distance: ‖∂h_T/∂h_{T−k}‖ ≤ (γ·‖W_h‖)^k.
        bounds = np.array([jacobian_bound(activation, scale, k) for k in range(steps + 1)])
        assert np.all(theirs <= bounds * (1 + 1e-9))
        if activation in ("tanh", "sigmoid") and DERIVATIVE_MAX[activation] * scale <= 1:
            # vanishing: strictly decreasing, and 25 steps back below 1e-2 (γ·scale = 1 at worst)
            assert np.all(np.diff(theirs) < 0) and theirs[-1] < 1e-2, (activation, scale, seed)
        if activation == "relu" and scale == 2.0:
            # exploding: above 1 at every distance, over 100 at the far end
            assert np.all(theirs[1:] > 1) and theirs[-1] > 100 and theirs[-1] > theirs[steps // 2 - 5]
        if activation == "relu" and scale == 0.5:
            assert np.all(np.diff(theirs) < 0)


def test_the_bounds_against_torch() -> None:
    # grad_factor_bound: a linear scalar RNN with w = 0.5, autograd of h_10 w.r.t. h_0.
    h0 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    h = h0
    for _ in range(10):
        h = 0.5 * h + 1.0
    h.backward()
    assert h0.grad is not None and h0.grad.item() == grad_factor_bound(0.5, 10) == 0.0009765625
    assert np.isclose(grad_factor_bound(1.5, 10), 57.6650390625)
    # Pascanu's γ: the maxima of the derivatives, at 0, by autograd on a grid.
    a = torch.linspace(-6, 6, 12_001, dtype=torch.float64, requires_grad=True)
    for activation, fn in TORCH_ACT.items():
        (slope,) = torch.autograd.grad(fn(a).sum(), a)
        assert np.isclose(slope.max().item(), DERIVATIVE_MAX[activation]), activation
    assert DERIVATIVE_MAX["tanh"] == 1.0 and DERIVATIVE_MAX["sigmoid"] == 0.25
    assert jacobian_bound("sigmoid", 1.0, 10) == 0.25 ** 10


# --- Gradient clipping -------------------------------------------------------------------------

def torch_clip(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g, dtype=torch.float64)
    total = float(torch.nn.utils.clip_grad_norm_(params, max_norm))
    return [p.grad.numpy() for p in params if p.grad is not None], total


def keras_step(keras: Any, grads: list[np.ndarray], **clip: float) -> list[np.ndarray]:
    """One SGD step with lr = 1 from zero: the update is minus the clipped gradient."""
    variables = [keras.Variable(np.zeros(g.shape, "float32")) for g in grads]
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clip)
    optimizer.apply_gradients([(g.astype("float32"), v) for g, v in zip(grads, variables)])
    return [-np.array(v.numpy(), dtype=np.float64) for v in variables]


def test_clipping_matches_torch_and_keras(keras) -> None:  # type: ignore[no-untyped-def]
    draw = np.random.default_rng(5)
    cases: list[tuple[list[np.ndarray], float]] = [
        ([np.array([3.0, 4.0])], 1.0), ([np.array([6.0, 8.0])], 5.0), ([np.array([0.3, 0.4])], 1.0),
        ([np.array([3.0]), np.array([4.0])], 1.0),
        ([draw.normal(size=(4, 3)), draw.normal(size=(3, 3)) * 5, draw.normal(size=3) * 0.01], 2.0),
        ([draw.normal(size=(7, 32)), draw.normal(size=(32, 32)), draw.normal(size=32)], 100.0),
        ([np.zeros(3)], 1.0)]
    for grads, max_norm in cases:
        grads = [f32(g) for g in grads]
        torch_global, total = torch_clip(grads, max_norm)
        ours_global = clip_by_global_norm(grads, max_norm)
        assert np.isclose(total, global_norm(grads))
        assert all(np.allclose(a, c, atol=1e-5) for a, c in zip(ours_global, torch_global)), (grads, max_norm)
        assert all(np.allclose(a, c, atol=1e-5) for a, c in zip(ours_global, keras_step(
            keras, grads, global_clipnorm=max_norm))), (grads, max_norm)
        # Per array: Keras's clipnorm, and torch's clip_grad_norm_ on one parameter at a time.
        ours_each = clip_by_norm(grads, max_norm)
        assert all(np.allclose(a, c, atol=1e-5) for a, c in zip(ours_each, keras_step(
            keras, grads, clipnorm=max_norm))), (grads, max_norm)
        assert all(np.allclose(a, torch_clip([g], max_norm)[0][0], atol=1e-5) for a, g in zip(ours_each, grads))
        assert all(np.allclose(clip_by_norm(g, max_norm), a) for g, a in zip(grads, ours_each))
        # The direction is kept and the length is at most max_norm.
        assert global_norm(ours_global) <= max_norm * (1 + 1e-12)
        if global_norm(grads) > 0:
            flat, clipped = np.concatenate([g.ravel() for g in grads]), np.concatenate([g.ravel() for g in ours_global])
            assert np.allclose(clipped * global_norm(grads), flat * global_norm(ours_global))
    # The curriculum: (3, 4) to 1 gives (0.6, 0.8); (6, 8) to 5 gives (3, 4).
    assert clip_by_norm(np.array([3.0, 4.0]), 1).tolist() == [0.6, 0.8]
    assert clip_by_norm(np.array([6.0, 8.0]), 5).tolist() == [3.0, 4.0]
    assert np.allclose(torch_clip([np.array([6.0, 8.0])], 5)[0][0], [3, 4])
    # Global and per array differ when the arrays' norms differ: (3) and (4) to 1.
    split = [np.array([3.0]), np.array([4.0])]
    assert [g.tolist() for g in clip_by_norm(split, 1)] == [[1.0], [1.0]]
    assert np.allclose(np.concatenate(keras_step(keras, split, clipnorm=1.0)), [1, 1])
    assert np.allclose(np.concatenate(keras_step(keras, split, global_clipnorm=1.0)), [0.6, 0.8])


# --- Parameters ----------------------------------------------------------------------------------

def test_parameter_counts_match_keras_and_torch(keras) -> None:  # type: ignore[no-untyped-def]
    for inputs, units in ((7, 32), (1, 1), (3, 16), (100, 8)):
        model = keras.Sequential([keras.Input((None, inputs)), keras.layers.SimpleRNN(units)])
        layer = nn.RNN(inputs, units, batch_first=True)
        assert model.count_params() == simple_rnn_params(inputs, units, "keras")
        assert sum(p.numel() for p in layer.parameters()) == simple_rnn_params(inputs, units, "torch")
        kernel, recurrent, bias = model.layers[0].get_weights()
        mapped = to_torch_rnn(kernel, recurrent, bias)
        assert {n: tuple(p.shape) for n, p in layer.named_parameters()} == {n: a.shape for n, a in mapped.items()}
        # The count does not depend on the sequence length: the weights are shared over time.
        assert keras.Sequential([keras.Input((50, inputs)), keras.layers.SimpleRNN(units)]).count_params() \
            == model.count_params()
    assert simple_rnn_params(7, 32, "keras") == 1_280 and simple_rnn_params(7, 32, "torch") == 1_312
    with pytest.raises(ValueError):
        simple_rnn_params(7, 32, "jax")
