"""The course's reference simple RNN for chapter 9, in NumPy: the forward pass, backpropagation
through time (BPTT) by hand, truncated BPTT, the gradient bounds of Pascanu, Mikolov and
Bengio (ICML 2013), gradient clipping, the Jacobian norms that show vanishing and exploding
gradients, the parameter counts and the weight layout of ``torch.nn.RNN``.

It lives here, outside the student package, because lab 9 asks students to write
``rnn_forward``, ``grad_factor_bound`` and ``clip_by_norm``. tests/test_rnn_reference.py
checks it against ``keras.layers.SimpleRNN``, ``torch.nn.RNN``, torch autograd,
``torch.nn.utils.clip_grad_norm_`` and the Keras optimizers' ``clipnorm`` and
``global_clipnorm``; the lab's hidden tests can then use it as their oracle.

Layout: Keras's SimpleRNN. Inputs ``(T, in)`` or ``(batch, T, in)``, states ``(..., T, H)``,
W_x ``(in, H)`` (Keras's ``kernel``), W_h ``(H, H)`` (``recurrent_kernel``), b ``(H,)``:

    h_t = act(x_t W_x + h_{t-1} W_h + b),   t = 1 … T,   h_0 = 0 unless given.

The curriculum's numbers (§1.11 and "Ch 9"):

>>> grad_factor_bound(0.5, 10)                     # each step scales by at most 0.5
0.0009765625
>>> DERIVATIVE_MAX["tanh"], DERIVATIVE_MAX["sigmoid"]   # Pascanu's γ: the derivatives' maxima
(1.0, 0.25)
>>> clip_by_norm(np.array([3.0, 4.0]), 1).tolist()
[0.6, 0.8]
>>> clip_by_norm(np.array([6.0, 8.0]), 5).tolist()
[3.0, 4.0]
>>> [g.tolist() for g in clip_by_global_norm([np.array([3.0]), np.array([4.0])], 1)]
[[0.6], [0.8]]
>>> simple_rnn_params(7, 32, "keras"), simple_rnn_params(7, 32, "torch")   # torch: two biases
(1280, 1312)
>>> bool(rnn_forward(np.ones((5, 7)), np.zeros((7, 32)), np.zeros((32, 32)), np.zeros(32)).any())
False
>>> rnn_forward(np.ones((2, 5, 7)), np.ones((7, 3)), np.ones((3, 3)), np.zeros(3)).shape
(2, 5, 3)
>>> sorted(to_torch_rnn(np.zeros((7, 32)), np.zeros((32, 32)), np.zeros(32)))
['bias_hh_l0', 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple, overload

import numpy as np

Activation = Literal["tanh", "sigmoid", "relu", "linear"]
ACTIVATIONS: tuple[Activation, ...] = ("tanh", "sigmoid", "relu", "linear")

# Pascanu et al. 2013 (§3.1): ‖∂h_t/∂h_{t-1}‖ ≤ ‖W_h‖ · γ, where γ bounds |act'|: tanh' = 1 − tanh²
# is at most 1 (at 0), sigmoid' = σ(1 − σ) at most 1/4 (at 0). ReLU's derivative is 0 or 1.
# If ‖W_h‖ < 1/γ the gradient vanishes (sufficient); ‖W_h‖ > 1/γ is necessary for it to explode.
DERIVATIVE_MAX: dict[str, float] = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}
FRAMEWORKS = ("keras", "torch")


# --- The forward pass ---------------------------------------------------------------------------

def activate(a: np.ndarray, activation: Activation) -> np.ndarray:
    """tanh, the logistic sigmoid, ReLU or the identity, elementwise."""
    if activation == "tanh":
        return np.tanh(a)
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * a))  # 1 / (1 + e^−a), without overflow
    if activation == "relu":
        return np.maximum(a, 0.0)
    if activation == "linear":
        return a.copy()
    raise ValueError(f"activation must be one of {ACTIVATIONS}, not {activation!r}")


def derivative(h: np.ndarray, activation: Activation) -> np.ndarray:
    """act'(a) from the output h = act(a): 1 − h² (tanh), h(1 − h) (sigmoid), [h > 0] (ReLU,
    0 at 0 as in torch and TensorFlow), 1 (identity)."""
    if activation == "tanh":
        return 1.0 - h * h
    if activation == "sigmoid":
        return h * (1.0 - h)
    if activation == "relu":
        return (h > 0).astype(h.dtype)
    if activation == "linear":
        return np.ones_like(h)
    raise ValueError(f"activation must be one of {ACTIVATIONS}, not {activation!r}")


def _initial(x: np.ndarray, units: int, h0: np.ndarray | None) -> np.ndarray:
    """h_0 broadcast to the batch shape of x: (..., H)."""
    shape = x.shape[:-2] + (units,)
    if h0 is None:
        return np.zeros(shape)
    return np.broadcast_to(np.asarray(h0, dtype=np.float64), shape).copy()


def rnn_forward(x: np.ndarray, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray,
                h0: np.ndarray | None = None, activation: Activation = "tanh") -> np.ndarray:
    """Every state h_1 … h_T, shape (..., T, H), of h_t = act(x_t W_x + h_{t−1} W_h + b).

    x is (T, in) or (batch, T, in); h0 is (H,) or (batch, H), zeros if None. The same weights
    at every step: that is the weight sharing of an RNN, and why its parameter count does not
    depend on T. ``keras.layers.SimpleRNN(H, return_sequences=True)`` with the weights
    [W_x, W_h, b] computes the same (tests/test_rnn_reference.py)."""
    x = np.asarray(x, dtype=np.float64)
    W_x, W_h, b = (np.asarray(a, dtype=np.float64) for a in (W_x, W_h, b))
    if x.ndim < 2:
        raise ValueError(f"x must be (T, in) or (batch, T, in), not {x.shape}")
    h = _initial(x, W_h.shape[0], h0)
    states = np.empty(x.shape[:-1] + (W_h.shape[0],))
    for t in range(x.shape[-2]):
        h = activate(x[..., t, :] @ W_x + h @ W_h + b, activation)
        states[..., t, :] = h
    return states


# --- Backpropagation through time ----------------------------------------------------------------

class RNNGrads(NamedTuple):
    """The gradients of a loss with respect to the weights, h_0 and the inputs."""
    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    h0: np.ndarray
    x: np.ndarray


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum g over the axes that broadcasting added to an array of this shape."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def rnn_bptt(x: np.ndarray, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray,
             h0: np.ndarray | None, d_states: np.ndarray, activation: Activation = "tanh",
             truncate: int | None = None) -> RNNGrads:
    """Backpropagation through time, by hand.

    ``d_states`` (..., T, H) is ∂L/∂h_t for every step t as the loss sees the state directly
    (for L = Σ_t ⟨D_t, h_t⟩ it is D; for a loss on the last state alone it is zero but at T), so
    any loss works. Going back from t = T to 1 with g_T = 0 (what the future adds to h_T):

        δ_t = (d_states_t + g_t) ⊙ act'(a_t)        (∂L/∂a_t, a_t the pre-activation)
        ∂L/∂W_x += x_tᵀ δ_t,  ∂L/∂W_h += h_{t−1}ᵀ δ_t,  ∂L/∂b += Σ δ_t,  ∂L/∂x_t = δ_t W_xᵀ
        g_{t−1} = δ_t W_hᵀ                            (∂L/∂h_{t−1} through step t)

    and ∂L/∂h_0 = g_0. The weights are shared, so their gradients are sums over the steps.
    Batch axes are summed for the weights; ∂L/∂h_0 has the shape of h0 as given (the batch
    shape (..., H) if h0 is None).

    **Truncated BPTT** (``truncate=k``): the definition implemented is the common one,
    Williams & Peng's (Neural Computation 2(4), 1990) BPTT(k, k), which is what PyTorch
    practice does by calling ``h = h.detach()`` every k steps (the word-language-model example's
    ``repackage_hidden``; Keras's stateful RNNs fed k-step chunks): the sequence is cut into
    chunks of k steps from the start (steps 1…k, k+1…2k, …, the last one possibly shorter),
    and no gradient crosses a chunk boundary, i.e. g_{t−1} = 0 whenever t − 1 is a positive
    multiple of k. So a loss term at step t reaches back to the first step of its own chunk,
    between 1 and k steps; W_h still gets each step's h_{t−1}ᵀ δ_t (the state is treated as a
    constant input there, not dropped), and h_0 gets the first chunk's gradient. The
    alternative, BPTT(k, 1) (every step's loss goes back exactly k steps), costs k times as
    much and is not what the frameworks' detach idiom computes. ``truncate=None`` or k ≥ T is
    full BPTT."""
    x = np.asarray(x, dtype=np.float64)
    W_x, W_h, b = (np.asarray(a, dtype=np.float64) for a in (W_x, W_h, b))
    if truncate is not None and truncate < 1:
        raise ValueError(f"truncate must be a positive number of steps, not {truncate}")
    first = _initial(x, W_h.shape[0], h0)
    states = rnn_forward(x, W_x, W_h, b, first, activation)
    d_states = np.broadcast_to(np.asarray(d_states, dtype=np.float64), states.shape)
    steps = x.shape[-2]
    dW_x, dW_h, db = np.zeros_like(W_x), np.zeros_like(W_h), np.zeros_like(b)
    dx = np.zeros_like(x)
    g = np.zeros_like(first)
    for t in range(steps - 1, -1, -1):  # 0-based: states[..., t, :] is h_{t+1}
        previous = states[..., t - 1, :] if t > 0 else first
        delta = (d_states[..., t, :] + g) * derivative(states[..., t, :], activation)
        flat, prev_flat = delta.reshape(-1, delta.shape[-1]), previous.reshape(-1, delta.shape[-1])
        dW_x += x[..., t, :].reshape(-1, x.shape[-1]).T @ flat
        dW_h += prev_flat.T @ flat
        db += flat.sum(axis=0)
        dx[..., t, :] = delta @ W_x.T
        g = delta @ W_h.T
        if truncate is not None and t > 0 and t % truncate == 0:
            g = np.zeros_like(g)  # h_t (1-based) was detached: the chunk starts at step t + 1
    d_h0 = g if h0 is None else _unbroadcast(g, np.shape(h0))
    return RNNGrads(dW_x, dW_h, db, d_h0, dx)


# --- Vanishing and exploding gradients -----------------------------------------------------------

def grad_factor_bound(w: float, steps: int) -> float:
    """w**T: the bound on the gradient's factor after T steps when each step scales it by at
    most w. Below 1 it vanishes, above 1 it can explode: 0.5 over 10 steps gives ≈ 0.00098,
    1.5 over 10 steps about 57.7."""
    return float(w) ** steps


def jacobian_bound(activation: Activation, w_norm: float, steps: int) -> float:
    """Pascanu's bound (γ · ‖W_h‖₂)^T on ‖∂h_T/∂h_0‖₂, with γ = DERIVATIVE_MAX[activation]."""
    return grad_factor_bound(DERIVATIVE_MAX[activation] * w_norm, steps)


def jacobian_norms(x: np.ndarray, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray,
                   h0: np.ndarray | None = None, activation: Activation = "tanh",
                   ord: Literal[2, "fro"] = 2) -> np.ndarray:
    """‖∂h_T/∂h_t‖ for t = T, T−1, …, 1, 0 (T + 1 values; the last is the initial state h_0):
    entry k is the norm after k steps back, at most (γ·‖W_h‖₂)^k (jacobian_bound). One
    sequence, x of shape (T, in). With row vectors, ∂h_s/∂h_{s−1} = diag(act'(a_s)) W_hᵀ, and
    ∂h_T/∂h_t is their product for s = T down to t + 1 (the identity for t = T). ``ord``: the
    spectral norm (2, Pascanu's) or Frobenius ("fro")."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be one sequence (T, in), not {x.shape}")
    W_h = np.asarray(W_h, dtype=np.float64)
    states = rnn_forward(x, W_x, W_h, b, h0, activation)
    jacobian = np.eye(W_h.shape[0])
    norms = [float(np.linalg.norm(jacobian, ord))]
    for t in range(x.shape[0] - 1, -1, -1):
        jacobian = jacobian @ (derivative(states[t], activation)[:, None] * W_h.T)
        norms.append(float(np.linalg.norm(jacobian, ord)))
    return np.array(norms)


def demo_rnn(scale: float, steps: int = 30, units: int = 16, inputs: int = 4,
             seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chapter's small RNN: x (steps, inputs) standard normal, W_x normal / √inputs,
    W_h = scale · Q with Q a random orthogonal matrix (so ‖W_h‖₂ = scale exactly) and b = 0,
    all from one seed. Returns (x, W_x, W_h, b)."""
    draw = np.random.default_rng(seed)
    x = draw.normal(size=(steps, inputs))
    W_x = draw.normal(size=(inputs, units)) / np.sqrt(inputs)
    q, r = np.linalg.qr(draw.normal(size=(units, units)))
    W_h = scale * q * np.sign(np.diag(r))  # the sign fix makes Q uniformly distributed
    return x, W_x, W_h, np.zeros(units)


def gradient_norms_over_time(activation: Activation, scale: float, steps: int = 30,
                             units: int = 16, inputs: int = 4, seed: int = 0,
                             ord: Literal[2, "fro"] = 2) -> np.ndarray:
    """‖∂h_T/∂h_t‖ for t = T, …, 0 (k = 0 … T steps back) in demo_rnn(scale, …) with h_0 = 0:
    what the chapter plots. With tanh or sigmoid and ‖W_h‖₂ = scale < 1/γ it decays at least
    as fast as (γ·scale)^k (vanishing); with ReLU and a large scale it grows (exploding).

    >>> norms = gradient_norms_over_time("sigmoid", 1.0, steps=10)
    >>> bool(norms[0] == 1.0 and norms[10] <= 0.25 ** 10 and np.all(np.diff(norms) < 0))
    True
    """
    x, W_x, W_h, b = demo_rnn(scale, steps, units, inputs, seed)
    return jacobian_norms(x, W_x, W_h, b, None, activation, ord)


# --- Gradient clipping --------------------------------------------------------------------------

def global_norm(grads: Sequence[np.ndarray]) -> float:
    """√(Σ ‖g‖²) over all arrays: the norm of their concatenation."""
    return float(np.sqrt(sum(float(np.sum(np.square(np.asarray(g, dtype=np.float64)))) for g in grads)))


def _scaled(g: np.ndarray, norm: float, max_norm: float) -> np.ndarray:
    g = np.asarray(g, dtype=np.float64)
    return g * max_norm / norm if norm > max_norm else g.copy()


@overload
def clip_by_norm(g: np.ndarray, max_norm: float) -> np.ndarray: ...
@overload
def clip_by_norm(g: list[np.ndarray], max_norm: float) -> list[np.ndarray]: ...
def clip_by_norm(g: np.ndarray | list[np.ndarray], max_norm: float) -> np.ndarray | list[np.ndarray]:
    """g · max_norm / ‖g‖ if ‖g‖ > max_norm, else g: its direction kept, its length at most
    max_norm. A list is clipped array by array, each by its own norm: that is Keras's
    ``clipnorm`` (``optimizer._clip_by_norm`` per variable); ``torch.nn.utils.clip_grad_norm_``
    called on one parameter at a time does the same. (3, 4) → 1 gives (0.6, 0.8); (6, 8) → 5
    gives (3, 4). torch divides by ‖g‖ + 1e-6, so it clips about 1e-6 relatively more."""
    if isinstance(g, list):
        return [clip_by_norm(one, max_norm) for one in g]
    return _scaled(g, float(np.linalg.norm(np.ravel(g))), max_norm)


def clip_by_global_norm(grads: Sequence[np.ndarray], max_norm: float) -> list[np.ndarray]:
    """Every array scaled by the same max_norm / global_norm(grads) when the global norm is
    above max_norm: the direction of the whole gradient is kept. That is
    ``torch.nn.utils.clip_grad_norm_(parameters, max_norm)`` (one total norm over all the
    parameters) and Keras's ``global_clipnorm``; ``tf.clip_by_global_norm`` too."""
    norm = global_norm(grads)
    return [_scaled(g, norm, max_norm) for g in grads]


# --- The frameworks' parameters -------------------------------------------------------------------

def simple_rnn_params(inputs: int, units: int, framework: str = "keras") -> int:
    """in·H + H·H weights and H biases in Keras's SimpleRNN; PyTorch's nn.RNN has two bias
    vectors (bias_ih and bias_hh), H more: 7 inputs, 32 units → 1,280 and 1,312."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}, not {framework!r}")
    biases = 2 if framework == "torch" else 1
    return inputs * units + units * units + biases * units


def to_torch_rnn(W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Keras's [W_x (in, H), W_h (H, H), b (H,)] as nn.RNN's state dict: weight_ih_l0 = W_xᵀ
    (H, in), weight_hh_l0 = W_hᵀ (H, H) (torch computes x Wᵀ), and the one bias split into
    bias_ih_l0 = b and bias_hh_l0 = 0 (only their sum matters)."""
    b = np.asarray(b, dtype=np.float64)
    return {"weight_ih_l0": np.asarray(W_x, dtype=np.float64).T.copy(),
            "weight_hh_l0": np.asarray(W_h, dtype=np.float64).T.copy(),
            "bias_ih_l0": b.copy(), "bias_hh_l0": np.zeros_like(b)}


def from_torch_rnn(state: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """nn.RNN's layer-0 weights back as (W_x, W_h, b), the two biases summed."""
    return (np.asarray(state["weight_ih_l0"]).T.copy(), np.asarray(state["weight_hh_l0"]).T.copy(),
            np.asarray(state["bias_ih_l0"]) + np.asarray(state["bias_hh_l0"]))
