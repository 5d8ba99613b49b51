"""Chapter 10's NumPy reference, coursetools.lstm_reference, against real Keras and PyTorch.

Lab 10's hidden tests use the reference as their oracle, so here it must agree with
``torch.nn.LSTMCell``/``nn.LSTM(batch_first=True)`` and ``keras.layers.LSTM(return_sequences=
True, return_state=True)`` on the same random weights (atol 1e-5), and its GRU in both
conventions with ``torch.nn.GRUCell``/``nn.GRU`` and ``keras.layers.GRU(reset_after=True/
False)``. The frameworks' gate orders are not taken on trust: of all the orders one could stack
the gates in, exactly the declared one reproduces each framework. The curriculum's gate values
(zero weights, b_f = 1, peepholes) are computed by the frameworks too and compared with the
figures the curriculum prints. Peepholes have no layer in either framework: they are checked
against an implementation written independently here in torch ops, values and autograd
gradients (against central differences of the NumPy reference). Then the parameter counts
against ``count_params()`` and torch's ``numel``, the shapes of ``return_sequences``,
``Bidirectional``, ``TimeDistributed`` and stacked layers, ``stateful=True`` against passing
(h, c) explicitly, and zoneout.
"""

from __future__ import annotations

import itertools
import math
import os
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from coursetools.lstm_reference import (
    GRU_GATES,
    KERAS_GRU_GATES,
    KERAS_LSTM_GATES,
    LSTM_GATES,
    TORCH_GRU_GATES,
    TORCH_LSTM_GATES,
    GRUParams,
    LSTMParams,
    from_torch_lstm,
    gru_forward,
    gru_params,
    gru_step,
    lstm_forward,
    lstm_gates,
    lstm_params,
    lstm_step,
    to_keras_gru,
    to_keras_lstm,
    to_torch_gru,
    to_torch_lstm,
    zoneout,
    zoneout_lstm_forward,
)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ATOL = 1e-5


@pytest.fixture(scope="module")
def keras():  # type: ignore[no-untyped-def]
    import keras

    return keras


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def f32(a: np.ndarray) -> np.ndarray:
    """Rounded to float32 and back, so both sides start from the same numbers."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def as_np(keras: Any, value: Any) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def load(module: nn.Module, weights: dict[str, np.ndarray], suffix: str = "") -> None:
    """Copy arrays into a torch module by name; ``suffix`` is stripped from the names
    (``_l0`` for the cells)."""
    with torch.no_grad():
        for name, value in weights.items():
            getattr(module, name.removesuffix(suffix)).copy_(torch.from_numpy(np.ascontiguousarray(value)))


def data(rng: np.random.Generator, batch: int, steps: int, inputs: int,
         cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A batch of sequences and a non-zero initial (s, c), float32-exact."""
    return (f32(rng.normal(size=(batch, steps, inputs))), f32(0.5 * rng.normal(size=(batch, cells))),
            f32(rng.normal(size=(batch, cells))))


def stack_lstm(P: LSTMParams, order: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kernel (n, 4h), recurrent kernel (h, 4h) and bias (4h,) with the gates in ``order``."""
    return (np.concatenate([getattr(P, f"W_{k}") for k in order], axis=1),
            np.concatenate([getattr(P, f"U_{k}") for k in order], axis=1),
            np.concatenate([getattr(P, f"b_{k}") for k in order]))


def stack_gru(P: GRUParams, order: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """Kernel, recurrent kernel, input bias and recurrent bias with the gates in ``order``."""
    return (np.concatenate([getattr(P, f"W_{k}") for k in order], axis=1),
            np.concatenate([getattr(P, f"U_{k}") for k in order], axis=1),
            np.concatenate([getattr(P, f"b_{k}") for k in order]),
            np.concatenate([getattr(P, f"rb_{k}") for k in order]))


def keras_lstm(keras: Any, weights: list[np.ndarray], inputs: int, cells: int,
               **options: Any) -> Any:
    layer = keras.layers.LSTM(cells, return_sequences=True, return_state=True, **options)
    layer.build((None, None, inputs))
    layer.set_weights([w.astype("float32") for w in weights])
    return layer


def run_keras_lstm(keras: Any, layer: Any, xs: np.ndarray, s0: np.ndarray,
                   c0: np.ndarray) -> list[np.ndarray]:
    out = layer(xs.astype("float32"), initial_state=[s0.astype("float32"), c0.astype("float32")])
    return [as_np(keras, o) for o in out]


# --- The curriculum's gate values --------------------------------------------------------------

def torch_peephole_forward(xs: torch.Tensor, s: torch.Tensor, c: torch.Tensor,
                           w: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A peephole LSTM written here in torch ops, independently of the NumPy reference:
    Gers & Schmidhuber's peepholes, the output gate reading the new cell state. ``w`` holds
    the stacked kernel "W" (n, 4h), "U" (h, 4h), "b" (4h,) in the order i, f, g, o, and the
    peepholes "p_i", "p_f", "p_o"."""
    outputs = []
    for t in range(xs.shape[1]):
        a_i, a_f, a_g, a_o = (xs[:, t] @ w["W"] + s @ w["U"] + w["b"]).chunk(4, dim=-1)
        i = torch.sigmoid(a_i + w["p_i"] * c)
        f = torch.sigmoid(a_f + w["p_f"] * c)
        c = f * c + i * torch.tanh(a_g)
        o = torch.sigmoid(a_o + w["p_o"] * c)
        s = o * torch.tanh(c)
        outputs.append(s)
    return torch.stack(outputs, dim=1), s, c


def test_the_curriculum_gate_values(keras) -> None:  # type: ignore[no-untyped-def]
    """Zero weights and c_prev = 1: c = 0.5, s = 0.23106; b_f = 1: c = 0.731059, s = 0.311856
    (by the reference, torch.nn.LSTMCell and keras.layers.LSTM); peepholes p = 1 with b_f = 0:
    o = 0.675038, s = 0.421029 (by the reference and the torch implementation above)."""
    n, h = 3, 4
    x, s0, c0 = np.ones((1, n)), np.zeros((1, h)), np.ones((1, h))
    for b_f, c_expected, s_expected in ((0.0, 0.5, 0.23106), (1.0, 0.731059, 0.311856)):
        P = LSTMParams.zeros(n, h)
        P.b_f[:] = b_f
        gates = lstm_gates(x, s0, c0, P)
        cell = nn.LSTMCell(n, h).double()
        load(cell, to_torch_lstm(P), "_l0")
        with torch.no_grad():
            s_t, c_t = (v.numpy() for v in cell(torch.from_numpy(x), (torch.from_numpy(s0), torch.from_numpy(c0))))
        _, s_k, c_k = run_keras_lstm(keras, keras_lstm(keras, to_keras_lstm(P), n, h), x[:, None], s0, c0)
        for c, s in ((gates["c"], gates["s"]), (c_t, s_t), (c_k, s_k)):
            assert np.allclose(c, c_expected, atol=1e-6) and np.allclose(s, s_expected, atol=1e-5)
        assert np.allclose(c_t, gates["c"]) and np.allclose(s_t, gates["s"])
        assert np.allclose(c_k, gates["c"], atol=ATOL) and np.allclose(s_k, gates["s"], atol=ATOL)
        assert np.allclose(gates["i"], 0.5) and np.allclose(gates["o"], 0.5) and np.allclose(gates["g"], 0)
        assert np.allclose(gates["f"], 1 / (1 + math.exp(-b_f)))
    assert round(0.5 * math.tanh(0.5), 5) == 0.23106
    assert round(0.5 * math.tanh(1 / (1 + math.exp(-1))), 6) == 0.311856

    P = LSTMParams.zeros(n, h, peephole=True)
    for p in (P.p_i, P.p_f, P.p_o):
        assert p is not None
        p[:] = 1.0
    gates = lstm_gates(x, s0, c0, P, peephole=True)
    w = {"W": torch.zeros(n, 4 * h, dtype=torch.float64), "U": torch.zeros(h, 4 * h, dtype=torch.float64),
         "b": torch.zeros(4 * h, dtype=torch.float64)}
    w |= {k: torch.ones(h, dtype=torch.float64) for k in ("p_i", "p_f", "p_o")}
    _, s_t, c_t = torch_peephole_forward(torch.from_numpy(x[:, None]), torch.from_numpy(s0),
                                         torch.from_numpy(c0), w)
    assert np.allclose(gates["c"], c_t.numpy()) and np.allclose(gates["s"], s_t.numpy())
    assert np.allclose(gates["i"], 0.731059, atol=1e-6) and np.allclose(gates["f"], 0.731059, atol=1e-6)
    assert np.allclose(gates["c"], 0.731059, atol=1e-6)
    assert np.allclose(gates["o"], 0.675038, atol=1e-6) and np.allclose(gates["s"], 0.421029, atol=1e-6)
    # With the old c (= 1) in the output gate, o would be sigma(1) = 0.731 and s 0.456: the
    # new c is what gives the curriculum's figures.
    assert not np.isclose(1 / (1 + math.exp(-1)) * math.tanh(0.731059), 0.421029, atol=1e-3)
    with pytest.raises(ValueError, match="peephole"):
        lstm_step(x, s0, c0, LSTMParams.zeros(n, h), peephole=True)


# --- LSTM against the frameworks -----------------------------------------------------------------

def test_lstm_matches_torch_cell_and_layer() -> None:
    rng = np.random.default_rng(0)
    n, h, batch, steps = 3, 5, 2, 7
    P = LSTMParams.random(n, h, rng)
    xs, s0, c0 = data(rng, batch, steps, n, h)
    seq, s, c = lstm_forward(xs, P, s0, c0)
    assert seq.shape == (batch, steps, h) and np.array_equal(seq[:, -1], s)

    cell = nn.LSTMCell(n, h)
    load(cell, {k: v.astype(np.float32) for k, v in to_torch_lstm(P).items()}, "_l0")
    state = (torch.from_numpy(s0).float(), torch.from_numpy(c0).float())
    s_ref, c_ref = s0, c0
    with torch.no_grad():
        for t in range(steps):
            state = cell(torch.from_numpy(xs[:, t]).float(), state)
            s_ref, c_ref = lstm_step(xs[:, t], s_ref, c_ref, P)
            assert np.allclose(state[0].numpy(), s_ref, atol=ATOL)
            assert np.allclose(state[1].numpy(), c_ref, atol=ATOL)

    layer = nn.LSTM(n, h, batch_first=True)
    load(layer, {k: v.astype(np.float32) for k, v in to_torch_lstm(P).items()})
    with torch.no_grad():
        out, (h_n, c_n) = layer(torch.from_numpy(xs).float(),
                                (torch.from_numpy(s0).float()[None], torch.from_numpy(c0).float()[None]))
    assert tuple(out.shape) == (batch, steps, h) and tuple(h_n.shape) == (1, batch, h)
    assert np.allclose(out.numpy(), seq, atol=ATOL)
    assert np.allclose(h_n[0].numpy(), s, atol=ATOL) and np.allclose(c_n[0].numpy(), c, atol=ATOL)

    # A torch layer's own initialisation (two different non-zero biases), read back: the sum.
    torch.manual_seed(0)
    own = nn.LSTM(n, h, batch_first=True).double()
    read = from_torch_lstm({name: p.detach().numpy() for name, p in own.named_parameters()})
    biases = dict(own.named_parameters())
    assert not torch.allclose(biases["bias_ih_l0"], biases["bias_hh_l0"])
    with torch.no_grad():
        out, _ = own(torch.from_numpy(xs))
    assert np.allclose(out.numpy(), lstm_forward(xs, read)[0], atol=1e-12)


def test_lstm_matches_keras(keras) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    n, h, batch, steps = 4, 3, 3, 6
    P = LSTMParams.random(n, h, rng)
    xs, s0, c0 = data(rng, batch, steps, n, h)
    seq, s, c = lstm_forward(xs, P, s0, c0)
    layer = keras_lstm(keras, to_keras_lstm(P), n, h)
    assert [tuple(w.shape) for w in layer.get_weights()] == [(n, 4 * h), (h, 4 * h), (4 * h,)]
    seq_k, s_k, c_k = run_keras_lstm(keras, layer, xs, s0, c0)
    assert seq_k.shape == (batch, steps, h) and s_k.shape == c_k.shape == (batch, h)
    assert np.allclose(seq_k, seq, atol=ATOL) and np.allclose(s_k, s, atol=ATOL)
    assert np.allclose(c_k, c, atol=ATOL)
    # From zeros, as Keras starts without an initial state.
    out = layer(xs.astype("float32"))
    assert np.allclose(as_np(keras, out[0]), lstm_forward(xs, P)[0], atol=ATOL)


def test_only_the_declared_lstm_gate_orders_match(keras) -> None:  # type: ignore[no-untyped-def]
    """Of the 24 orders, exactly i, f, g, o reproduces nn.LSTMCell and keras.layers.LSTM (with a
    non-zero c0, every swap of gates changes the result)."""
    rng = np.random.default_rng(2)
    n, h, batch, steps = 3, 4, 2, 3
    P = LSTMParams.random(n, h, rng)
    xs, s0, c0 = data(rng, batch, steps, n, h)
    seq, s, c = lstm_forward(xs, P, s0, c0)
    cell = nn.LSTMCell(n, h).double()
    layer = keras_lstm(keras, to_keras_lstm(P), n, h)
    torch_matches, keras_matches = [], []
    for order in itertools.permutations(LSTM_GATES):
        kernel, recurrent, bias = stack_lstm(P, order)
        load(cell, {"weight_ih": kernel.T, "weight_hh": recurrent.T, "bias_ih": bias,
                    "bias_hh": np.zeros(4 * h)})
        state = (torch.from_numpy(s0), torch.from_numpy(c0))
        with torch.no_grad():
            for t in range(steps):
                state = cell(torch.from_numpy(xs[:, t]), state)
        if np.allclose(state[0].numpy(), s, atol=ATOL) and np.allclose(state[1].numpy(), c, atol=ATOL):
            torch_matches.append(order)
        layer.set_weights([kernel.astype("float32"), recurrent.astype("float32"), bias.astype("float32")])
        seq_k, _, c_k = run_keras_lstm(keras, layer, xs, s0, c0)
        if np.allclose(seq_k, seq, atol=ATOL) and np.allclose(c_k, c, atol=ATOL):
            keras_matches.append(order)
    assert torch_matches == [TORCH_LSTM_GATES] == [("i", "f", "g", "o")]
    assert keras_matches == [KERAS_LSTM_GATES] == [("i", "f", "g", "o")]
    assert all(np.array_equal(a, b) for a, b in zip(to_keras_lstm(P), stack_lstm(P, KERAS_LSTM_GATES)))
    torch_weights = to_torch_lstm(P)
    kernel, recurrent, bias = stack_lstm(P, TORCH_LSTM_GATES)
    assert np.array_equal(torch_weights["weight_ih_l0"], kernel.T)
    assert np.array_equal(torch_weights["weight_hh_l0"], recurrent.T)
    assert np.array_equal(torch_weights["bias_ih_l0"] + torch_weights["bias_hh_l0"], bias)
    assert not np.array_equal(from_torch_lstm(torch_weights).W_i, P.W_g)  # and back:
    assert all(np.array_equal(getattr(from_torch_lstm(torch_weights), k), getattr(P, k))
               for k in ("W_g", "W_i", "W_f", "W_o", "U_g", "U_i", "U_f", "U_o", "b_g", "b_i", "b_f", "b_o"))


def test_the_peephole_lstm_against_torch_autograd() -> None:
    """No framework has a peephole layer: the reference is checked against the torch
    implementation written in this file (torch_peephole_forward), values over a sequence, and
    torch autograd's gradients of a loss with respect to the peepholes, W_i and the initial c
    against central differences of the NumPy reference."""
    rng = np.random.default_rng(3)
    n, h, batch, steps = 3, 4, 2, 5
    P = LSTMParams.random(n, h, rng, peephole=True)
    xs, s0, c0 = data(rng, batch, steps, n, h)
    seq, s, c = lstm_forward(xs, P, s0, c0, peephole=True)
    assert not np.allclose(seq, lstm_forward(xs, P, s0, c0)[0], atol=1e-3)  # the peepholes matter
    kernel, recurrent, bias = stack_lstm(P, ("i", "f", "g", "o"))
    leaves = {"W": kernel, "U": recurrent, "b": bias, "p_i": P.p_i, "p_f": P.p_f, "p_o": P.p_o, "c0": c0}
    w = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in leaves.items()}
    seq_t, s_t, c_t = torch_peephole_forward(torch.from_numpy(xs), torch.from_numpy(s0), w["c0"], w)
    assert np.allclose(seq_t.detach().numpy(), seq, atol=1e-12)
    assert np.allclose(s_t.detach().numpy(), s, atol=1e-12) and np.allclose(c_t.detach().numpy(), c, atol=1e-12)

    weights = f32(rng.normal(size=seq.shape))
    ((seq_t * torch.from_numpy(weights)).sum() + c_t.sum()).backward()

    def loss(Q: LSTMParams, c_init: np.ndarray) -> float:
        out, _, c_last = lstm_forward(xs, Q, s0, c_init, peephole=True)
        return float((out * weights).sum() + c_last.sum())

    eps = 1e-6
    for name in ("p_i", "p_f", "p_o", "W_i", "c0"):
        target = c0 if name == "c0" else getattr(P, name)
        numeric = np.zeros_like(target)
        for index in np.ndindex(target.shape):
            saved = target[index]
            target[index] = saved + eps
            up = loss(P, c0)
            target[index] = saved - eps
            down = loss(P, c0)
            target[index] = saved
            numeric[index] = (up - down) / (2 * eps)
        grad = w[name].grad if name != "W_i" else w["W"].grad[:, :h]  # type: ignore[index]
        assert grad is not None
        assert np.abs(numeric).max() > 1e-3, name
        assert np.allclose(grad.numpy(), numeric, atol=1e-6), name


# --- GRU against the frameworks ------------------------------------------------------------------

def test_gru_matches_torch() -> None:
    """The reset-after form is nn.GRUCell's and nn.GRU's; the reset-before form is not."""
    rng = np.random.default_rng(4)
    n, h, batch, steps = 3, 5, 2, 6
    P = GRUParams.random(n, h, rng)
    xs, h0, _ = data(rng, batch, steps, n, h)
    weights = {k: v.astype(np.float32) for k, v in to_torch_gru(P).items()}
    cell = nn.GRUCell(n, h)
    load(cell, weights, "_l0")
    state, ref = torch.from_numpy(h0).float(), h0
    with torch.no_grad():
        for t in range(steps):
            state = cell(torch.from_numpy(xs[:, t]).float(), state)
            ref = gru_step(xs[:, t], ref, P, reset_after=True)
            assert np.allclose(state.numpy(), ref, atol=ATOL)
    layer = nn.GRU(n, h, batch_first=True)
    load(layer, weights)
    seq, last = gru_forward(xs, P, h0, reset_after=True)
    with torch.no_grad():
        out, h_n = layer(torch.from_numpy(xs).float(), torch.from_numpy(h0).float()[None])
    assert np.allclose(out.numpy(), seq, atol=ATOL) and np.allclose(h_n[0].numpy(), last, atol=ATOL)
    before, _ = gru_forward(xs, P, h0, reset_after=False)
    assert not np.allclose(before, seq, atol=1e-3)  # the two conventions differ on the same weights


def test_gru_matches_keras_both_conventions(keras) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    n, h, batch, steps = 4, 3, 2, 6
    P = GRUParams.random(n, h, rng)
    xs, h0, _ = data(rng, batch, steps, n, h)
    for reset_after in (True, False):
        layer = keras.layers.GRU(h, return_sequences=True, return_state=True, reset_after=reset_after)
        layer.build((None, None, n))
        shapes = [(n, 3 * h), (h, 3 * h), (2, 3 * h) if reset_after else (3 * h,)]
        assert [tuple(w.shape) for w in layer.get_weights()] == shapes
        layer.set_weights([w.astype("float32") for w in to_keras_gru(P, reset_after)])
        seq_k, h_k = (as_np(keras, o) for o in layer(xs.astype("float32"), initial_state=[h0.astype("float32")]))
        seq, last = gru_forward(xs, P, h0, reset_after=reset_after)
        assert np.allclose(seq_k, seq, atol=ATOL) and np.allclose(h_k, last, atol=ATOL), reset_after
        other, _ = gru_forward(xs, P, h0, reset_after=not reset_after)
        assert not np.allclose(seq_k, other, atol=1e-3), reset_after


def test_only_the_declared_gru_gate_orders_match(keras) -> None:  # type: ignore[no-untyped-def]
    """Of the 6 orders, z, r, h is Keras's (both conventions) and r, z, n PyTorch's; and z = 1
    keeps the old state in both frameworks, h' = z h + (1 - z) h_hat, as the curriculum."""
    rng = np.random.default_rng(6)
    n, h, batch = 3, 4, 2
    P = GRUParams.random(n, h, rng)
    xs, h0, _ = data(rng, batch, 2, n, h)
    cell = nn.GRUCell(n, h).double()
    layers = {ra: keras.layers.GRU(h, return_sequences=True, reset_after=ra) for ra in (True, False)}
    for layer in layers.values():
        layer.build((None, None, n))
    matches: dict[str, list[tuple[str, ...]]] = {"torch": [], "keras True": [], "keras False": []}
    for order in itertools.permutations(GRU_GATES):
        kernel, recurrent, b, rb = stack_gru(P, order)
        load(cell, {"weight_ih": kernel.T, "weight_hh": recurrent.T, "bias_ih": b, "bias_hh": rb})
        with torch.no_grad():
            out = cell(torch.from_numpy(xs[:, 0]), torch.from_numpy(h0)).numpy()
        if np.allclose(out, gru_step(xs[:, 0], h0, P, reset_after=True), atol=ATOL):
            matches["torch"].append(order)
        for ra, layer in layers.items():
            bias = np.stack([b, rb]) if ra else b + rb
            layer.set_weights([a.astype("float32") for a in (kernel, recurrent, bias)])
            seq_k = as_np(keras, layer(xs.astype("float32"), initial_state=[h0.astype("float32")]))
            if np.allclose(seq_k, gru_forward(xs, P, h0, reset_after=ra)[0], atol=ATOL):
                matches[f"keras {ra}"].append(order)
    assert matches["torch"] == [TORCH_GRU_GATES] == [("r", "z", "h")]
    assert matches["keras True"] == matches["keras False"] == [KERAS_GRU_GATES] == [("z", "r", "h")]
    # z saturated at 1: the new state is the old one in the reference and both frameworks.
    P.b_z[:] = 40.0
    load(cell, to_torch_gru(P), "_l0")
    with torch.no_grad():
        kept = cell(torch.from_numpy(xs[:, 0]), torch.from_numpy(h0)).numpy()
    layers[True].set_weights([a.astype("float32") for a in to_keras_gru(P, True)])
    kept_k = as_np(keras, layers[True](xs[:, :1].astype("float32"), initial_state=[h0.astype("float32")]))[:, 0]
    for value in (kept, kept_k, gru_step(xs[:, 0], h0, P, reset_after=True),
                  gru_step(xs[:, 0], h0, P, reset_after=False)):
        assert np.allclose(value, h0, atol=ATOL)


# --- Parameter counts ------------------------------------------------------------------------------

def test_parameter_counts(keras) -> None:  # type: ignore[no-untyped-def]
    L = keras.layers
    for n, h in ((7, 32), (1, 128), (64, 32), (3, 5)):
        def keras_count(layer: Any, n: int = n) -> int:
            return int(keras.Sequential([keras.Input((None, n)), layer]).count_params())

        assert keras_count(L.LSTM(h)) == lstm_params(n, h, "keras") == LSTMParams.zeros(n, h).count()
        assert count(nn.LSTM(n, h)) == count(nn.LSTMCell(n, h)) == lstm_params(n, h, "torch")
        assert keras_count(L.Bidirectional(L.LSTM(h))) == lstm_params(n, h, "keras", bidirectional=True)
        assert count(nn.LSTM(n, h, bidirectional=True)) == lstm_params(n, h, "pytorch", bidirectional=True)
        assert keras_count(L.GRU(h)) == gru_params(n, h, "keras")
        assert keras_count(L.GRU(h, reset_after=False)) == gru_params(n, h, "keras", reset_after=False)
        assert count(nn.GRU(n, h)) == count(nn.GRUCell(n, h)) == gru_params(n, h, "torch")
        assert count(nn.GRU(n, h, bidirectional=True)) == gru_params(n, h, "torch", bidirectional=True)
        assert keras_count(L.Bidirectional(L.GRU(h))) == gru_params(n, h, bidirectional=True)
        assert LSTMParams.zeros(n, h, peephole=True).count() == lstm_params(n, h, "keras", peephole=True)
    # The curriculum's figures (§4.2).
    assert (lstm_params(7, 32, "keras"), lstm_params(7, 32, "torch")) == (5_120, 5_248)
    assert (lstm_params(1, 128, "keras"), lstm_params(1, 128, "torch")) == (66_560, 67_072)
    assert gru_params(7, 32, "keras") == gru_params(7, 32, "torch") == 3_936
    assert gru_params(7, 32, "keras", reset_after=False) == 3_840
    assert lstm_params(7, 32, peephole=True) == 5_216 and lstm_params(64, 32) == 12_416
    assert lstm_params(7, 32, bidirectional=True) == 10_240
    with pytest.raises(ValueError):
        gru_params(7, 32, "torch", reset_after=False)
    with pytest.raises(ValueError):
        lstm_params(7, 32, "jax")


# --- Shapes: return_sequences, Bidirectional, TimeDistributed, stacking -------------------------

def test_the_shapes_of_the_architectures(keras) -> None:  # type: ignore[no-untyped-def]
    L = keras.layers
    batch = 2
    x = np.random.default_rng(7).normal(size=(batch, 200, 7)).astype("float32")
    inp = keras.Input((200, 7))
    seq = L.LSTM(32, return_sequences=True)(inp)
    both = L.Bidirectional(L.LSTM(32, return_sequences=True))(inp)
    last = L.Bidirectional(L.LSTM(32))(inp)
    per_step = L.TimeDistributed(L.Dense(5))(seq)
    stacked = L.Dense(1)(L.LSTM(32)(both))
    model = keras.Model(inp, [seq, both, last, per_step, stacked])
    assert [tuple(o.shape) for o in model.outputs] == [(None, 200, 32), (None, 200, 64), (None, 64),
                                                       (None, 200, 5), (None, 1)]
    outs = model(x)
    assert [tuple(o.shape) for o in outs] == [(batch, 200, 32), (batch, 200, 64), (batch, 64), (batch, 200, 5),
                                              (batch, 1)]
    lab = keras.Model(inp, stacked)
    assert lab.count_params() == 10_240 + 12_416 + 33 == 22_689

    lstm = nn.LSTM(7, 32, batch_first=True)
    blstm = nn.LSTM(7, 32, batch_first=True, bidirectional=True)
    deep = nn.LSTM(7, 32, num_layers=2, batch_first=True, bidirectional=True)
    with torch.no_grad():
        xt = torch.from_numpy(x)
        out, (h_n, c_n) = lstm(xt)
        assert tuple(out.shape) == (batch, 200, 32) and tuple(h_n.shape) == tuple(c_n.shape) == (1, batch, 32)
        out2, (h_n, _) = blstm(xt)
        assert tuple(out2.shape) == (batch, 200, 64) and tuple(h_n.shape) == (2, batch, 32)
        assert tuple(nn.Linear(32, 5)(out).shape) == (batch, 200, 5)  # Linear acts on the last axis
        top, _ = nn.LSTM(64, 32, batch_first=True)(out2)
        assert tuple(nn.Linear(32, 1)(top[:, -1]).shape) == (batch, 1)
        out3, (h_n, _) = deep(xt)
        assert tuple(out3.shape) == (batch, 200, 64) and tuple(h_n.shape) == (4, batch, 32)
        assert lstm.weight_ih_l0.shape == (4 * 32, 7) and count(nn.LSTM(64, 32)) == 12_544
    assert lstm_forward(x, LSTMParams.zeros(7, 32))[0].shape == (batch, 200, 32)


def test_bidirectional_is_two_separate_lstms(keras) -> None:  # type: ignore[no-untyped-def]
    """Keras's Bidirectional and torch's bidirectional=True: the forward LSTM's outputs and the
    backward one's (run on the reversed sequence, then reversed back), concatenated."""
    rng = np.random.default_rng(8)
    n, h, batch, steps = 3, 4, 2, 5
    fwd, bwd = LSTMParams.random(n, h, rng), LSTMParams.random(n, h, rng)
    xs = f32(rng.normal(size=(batch, steps, n)))
    expected = np.concatenate([lstm_forward(xs, fwd)[0], lstm_forward(xs[:, ::-1], bwd)[0][:, ::-1]], axis=-1)
    layer = keras.layers.Bidirectional(keras.layers.LSTM(h, return_sequences=True))
    layer.build((None, steps, n))
    layer.set_weights([w.astype("float32") for w in to_keras_lstm(fwd) + to_keras_lstm(bwd)])
    assert np.allclose(as_np(keras, layer(xs.astype("float32"))), expected, atol=ATOL)
    blstm = nn.LSTM(n, h, batch_first=True, bidirectional=True)
    load(blstm, {k: v.astype(np.float32) for k, v in to_torch_lstm(fwd).items()})
    load(blstm, {f"{k}_reverse": v.astype(np.float32) for k, v in to_torch_lstm(bwd).items()})
    with torch.no_grad():
        assert np.allclose(blstm(torch.from_numpy(xs).float())[0].numpy(), expected, atol=ATOL)


def test_stateful_carries_the_state_between_calls(keras) -> None:  # type: ignore[no-untyped-def]
    """Keras's stateful=True carries (s, c) from one call to the next, as torch does when the
    returned (h, c) is passed in; both equal one run over the whole sequence."""
    rng = np.random.default_rng(9)
    n, h, batch, steps = 3, 4, 2, 8
    P = LSTMParams.random(n, h, rng)
    xs = f32(rng.normal(size=(batch, steps, n)))
    whole, s, c = lstm_forward(xs, P)
    first, second = xs[:, :3], xs[:, 3:]
    model = keras.Sequential([keras.Input(batch_shape=(batch, None, n)),
                              keras.layers.LSTM(h, stateful=True, return_sequences=True)])
    layer = model.layers[0]
    layer.set_weights([w.astype("float32") for w in to_keras_lstm(P)])
    parts = [as_np(keras, model(part.astype("float32"))) for part in (first, second)]
    assert np.allclose(np.concatenate(parts, axis=1), whole, atol=ATOL)
    assert np.allclose(layer.states[0].numpy(), s, atol=ATOL)
    assert np.allclose(layer.states[1].numpy(), c, atol=ATOL)
    again = as_np(keras, model(second.astype("float32")))  # still carried: not the same as from zeros
    assert not np.allclose(again, lstm_forward(second, P)[0], atol=1e-3)
    layer.reset_states()
    assert np.allclose(as_np(keras, model(second.astype("float32"))), lstm_forward(second, P)[0], atol=ATOL)

    torch_layer = nn.LSTM(n, h, batch_first=True)
    load(torch_layer, {k: v.astype(np.float32) for k, v in to_torch_lstm(P).items()})
    with torch.no_grad():
        a, state = torch_layer(torch.from_numpy(first).float())
        b, (h_n, c_n) = torch_layer(torch.from_numpy(second).float(), state)
        fresh, _ = torch_layer(torch.from_numpy(second).float())
    assert np.allclose(torch.cat([a, b], dim=1).numpy(), whole, atol=ATOL)
    assert np.allclose(h_n[0].numpy(), s, atol=ATOL) and np.allclose(c_n[0].numpy(), c, atol=ATOL)
    assert np.allclose(fresh.numpy(), lstm_forward(second, P)[0], atol=ATOL)
    s1, c1 = lstm_forward(first, P)[1:]
    assert np.allclose(lstm_forward(second, P, s1, c1)[0], whole[:, 3:])


# --- Zoneout --------------------------------------------------------------------------------------

def test_zoneout_rates_zero_and_one() -> None:
    """Rate 0 is the plain LSTM (nn.LSTM here); rate 1 keeps the initial state; rate 1 on c
    alone is an LSTM cell fed its initial c at every step (nn.LSTMCell)."""
    rng = np.random.default_rng(10)
    n, h, batch, steps = 3, 4, 2, 6
    P = LSTMParams.random(n, h, rng)
    xs, s0, c0 = data(rng, batch, steps, n, h)
    layer = nn.LSTM(n, h, batch_first=True)
    load(layer, {k: v.astype(np.float32) for k, v in to_torch_lstm(P).items()})
    with torch.no_grad():
        out, (h_n, c_n) = layer(torch.from_numpy(xs).float(),
                                (torch.from_numpy(s0).float()[None], torch.from_numpy(c0).float()[None]))
    for training in (True, False):
        seq, s, c = zoneout_lstm_forward(xs, P, 0.0, 0.0, np.random.default_rng(0), training, s0, c0)
        assert np.allclose(seq, out.numpy(), atol=ATOL) and np.allclose(c, c_n[0].numpy(), atol=ATOL)
        seq, s, c = zoneout_lstm_forward(xs, P, 1.0, 1.0, np.random.default_rng(0), training, s0, c0)
        assert np.array_equal(seq, np.repeat(s0[:, None], steps, axis=1)) and np.array_equal(c, c0)
    cell = nn.LSTMCell(n, h)
    load(cell, {k: v.astype(np.float32) for k, v in to_torch_lstm(P).items()}, "_l0")
    seq, _, c = zoneout_lstm_forward(xs, P, 0.0, 1.0, np.random.default_rng(0), True, s0, c0)
    state = torch.from_numpy(s0).float()
    with torch.no_grad():
        for t in range(steps):
            state, _ = cell(torch.from_numpy(xs[:, t]).float(), (state, torch.from_numpy(c0).float()))
            assert np.allclose(seq[:, t], state.numpy(), atol=ATOL)
    assert np.array_equal(c, c0)


def test_zoneout_keeps_a_fraction_rate_and_its_expectation_at_inference() -> None:
    units, rate = 200_000, 0.3
    prev, new = np.zeros(units), np.ones(units)
    kept = float((zoneout(prev, new, rate, np.random.default_rng(11)) == 0).mean())
    sd = math.sqrt(rate * (1 - rate) / units)
    assert abs(kept - rate) < 5 * sd
    # Inference: rate * prev + (1 - rate) * new, the mean of the training draws.
    draw = np.random.default_rng(12)
    prev, new = draw.normal(size=50), draw.normal(size=50)
    mean = np.mean([zoneout(prev, new, rate, draw) for _ in range(20_000)], axis=0)
    expected = zoneout(prev, new, rate, draw, training=False)
    assert np.allclose(expected, rate * prev + (1 - rate) * new)
    spread = np.abs(prev - new) * math.sqrt(rate * (1 - rate) / 20_000)
    assert np.all(np.abs(mean - expected) <= 5 * spread + 1e-12)
    with pytest.raises(ValueError):
        zoneout(prev, new, 1.5, draw)

    # In the LSTM: at inference each step mixes the kept and the new state by the rates
    # (nn.LSTMCell computes the new one); in training, about rate of the units keep theirs.
    rng = np.random.default_rng(13)
    n, h, batch, steps, rate_s, rate_c = 3, 4, 2, 5, 0.2, 0.4
    P = LSTMParams.random(n, h, rng)
    xs, s0, c0 = data(rng, batch, steps, n, h)
    seq, s, c = zoneout_lstm_forward(xs, P, rate_s, rate_c, rng, False, s0, c0)
    cell = nn.LSTMCell(n, h).double()
    load(cell, to_torch_lstm(P), "_l0")
    s_t, c_t = torch.from_numpy(s0), torch.from_numpy(c0)
    with torch.no_grad():
        for t in range(steps):
            s_new, c_new = cell(torch.from_numpy(xs[:, t]), (s_t, c_t))
            s_t, c_t = rate_s * s_t + (1 - rate_s) * s_new, rate_c * c_t + (1 - rate_c) * c_new
            assert np.allclose(seq[:, t], s_t.numpy(), atol=1e-12)
    assert np.allclose(c, c_t.numpy(), atol=1e-12)
    big = LSTMParams.random(n, 500, rng)
    xs = f32(rng.normal(size=(40, 2, n)))
    _, s1, c1 = zoneout_lstm_forward(xs[:, :1], big, rate_s, rate_c, np.random.default_rng(1), True)
    s_new, c_new = lstm_step(xs[:, 1], s1, c1, big)
    _, s2, c2 = zoneout_lstm_forward(xs[:, 1:], big, rate_s, rate_c, np.random.default_rng(2), True, s1, c1)
    for r, before, after, fresh in ((rate_s, s1, s2, s_new), (rate_c, c1, c2, c_new)):
        assert np.all((after == before) | (after == fresh))
        kept = float((after == before).mean())
        assert abs(kept - r) < 5 * math.sqrt(r * (1 - r) / after.size)
