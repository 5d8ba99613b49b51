"""The course's reference LSTM (with and without peepholes), GRU (both conventions) and zoneout
in NumPy, the frameworks' weight layouts, and the parameter counts of chapter 10.

It lives here, outside the student package, because lab 10 asks students to write
``lstm_step``, ``lstm_params`` and ``gru_params``. tests/test_lstm_reference.py checks it
against ``torch.nn.LSTMCell``/``nn.LSTM``/``nn.GRUCell`` and ``keras.layers.LSTM``/``GRU`` on
the same weights. Layout: rows are items, ``x`` is (..., inputs), the state (..., cells), and
a sequence (batch, time, inputs), as Keras and PyTorch's ``batch_first=True`` have it.

**LSTM** (curriculum §1.12, the corrected equations; bracketed terms are peepholes)::

    g = tanh(x W_g + s U_g + b_g)
    i = σ(x W_i + s U_i [+ c_prev ⊙ p_i] + b_i)
    f = σ(x W_f + s U_f [+ c_prev ⊙ p_f] + b_f)
    c = i ⊙ g + f ⊙ c_prev
    o = σ(x W_o + s U_o [+ c ⊙ p_o] + b_o)       (the output peephole reads the NEW c)
    s = o ⊙ tanh(c)

**GRU**, two conventions, both with h′ = z ⊙ h + (1 − z) ⊙ ĥ:

* reset *before* the matmul (``reset_after=False``): the curriculum's form, Cho et al. 2014,
  Keras ``GRU(reset_after=False)``: ĥ = tanh(x W_h + (r ⊙ h) U_h + b_h);
* reset *after* the matmul (``reset_after=True``): Keras's default and PyTorch's ``GRUCell``:
  ĥ = tanh(x W_h + b_h + r ⊙ (h U_h + b_hh)), with a second, recurrent bias vector.

**Gate orders** of the frameworks' stacked weights (verified by the tests): Keras's LSTM
kernel columns and PyTorch's ``weight_ih`` rows are both i, f, g, o (Keras calls g "c");
Keras's GRU kernel columns are z, r, h; PyTorch's GRU rows are r, z, n (n is ĥ). PyTorch
writes h′ = (1 − z) ⊙ n + z ⊙ h: the same z as the curriculum's and Keras's.

>>> P = LSTMParams.zeros(3, 2)
>>> s, c = lstm_step(np.ones(3), np.zeros(2), np.ones(2), P)
>>> c.round(6).tolist(), s.round(5).tolist()            # zero weights, c_prev = 1
([0.5, 0.5], [0.23106, 0.23106])
>>> P.b_f[:] = 1.0
>>> s, c = lstm_step(np.ones(3), np.zeros(2), np.ones(2), P)
>>> c.round(6).tolist(), s.round(6).tolist()
([0.731059, 0.731059], [0.311856, 0.311856])
>>> lstm_params(7, 32, "keras"), lstm_params(7, 32, "torch"), lstm_params(7, 32, bidirectional=True)
(5120, 5248, 10240)
>>> gru_params(7, 32, "keras"), gru_params(7, 32, "torch"), gru_params(7, 32, "keras", reset_after=False)
(3936, 3936, 3840)
>>> zoneout(np.zeros(3), np.ones(3), 0.25, np.random.default_rng(0), training=False).tolist()
[0.75, 0.75, 0.75]
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

LSTM_GATES = ("g", "i", "f", "o")  # the curriculum's order of the equations
KERAS_LSTM_GATES = ("i", "f", "g", "o")  # kernel / recurrent_kernel columns, bias entries ("c" is g)
TORCH_LSTM_GATES = ("i", "f", "g", "o")  # weight_ih / weight_hh rows, bias_ih / bias_hh entries
GRU_GATES = ("z", "r", "h")  # the curriculum's
KERAS_GRU_GATES = ("z", "r", "h")  # kernel columns; bias (2, 3h): row 0 input, row 1 recurrent
TORCH_GRU_GATES = ("r", "z", "h")  # weight_ih rows; PyTorch calls h "n"
FRAMEWORKS = ("keras", "torch")


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^−a), computed without overflow for large |a|."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _framework(framework: str) -> str:
    name = {"pytorch": "torch"}.get(framework.lower(), framework.lower())
    if name not in FRAMEWORKS:
        raise ValueError(f"framework must be 'keras' or 'torch', not {framework!r}")
    return name


@dataclass
class LSTMParams:
    """One LSTM layer: W_* (inputs, cells), U_* (cells, cells), b_* (cells,), and the
    optional peepholes p_i, p_f, p_o (cells,)."""

    W_g: np.ndarray
    W_i: np.ndarray
    W_f: np.ndarray
    W_o: np.ndarray
    U_g: np.ndarray
    U_i: np.ndarray
    U_f: np.ndarray
    U_o: np.ndarray
    b_g: np.ndarray
    b_i: np.ndarray
    b_f: np.ndarray
    b_o: np.ndarray
    p_i: np.ndarray | None = None
    p_f: np.ndarray | None = None
    p_o: np.ndarray | None = None

    @property
    def inputs(self) -> int:
        return int(self.W_g.shape[0])

    @property
    def cells(self) -> int:
        return int(self.W_g.shape[1])

    @property
    def has_peepholes(self) -> bool:
        return self.p_i is not None and self.p_f is not None and self.p_o is not None

    def count(self) -> int:
        """The number of values held: 4(n·h + h² + h), plus 3h with peepholes."""
        return sum(int(np.size(getattr(self, f.name))) for f in fields(self)
                   if getattr(self, f.name) is not None)

    @classmethod
    def zeros(cls, inputs: int, cells: int, peephole: bool = False) -> LSTMParams:
        def z(*shape: int) -> np.ndarray:
            return np.zeros(shape)

        p = (z(cells), z(cells), z(cells)) if peephole else (None, None, None)
        return cls(*(z(inputs, cells) for _ in range(4)), *(z(cells, cells) for _ in range(4)),
                   *(z(cells) for _ in range(4)), *p)

    @classmethod
    def random(cls, inputs: int, cells: int, rng: np.random.Generator, scale: float = 0.5,
               peephole: bool = False) -> LSTMParams:
        """Normal weights with standard deviation ``scale``, rounded to float32 (so that a
        float32 framework holds exactly the same numbers)."""
        def r(*shape: int) -> np.ndarray:
            return (scale * rng.normal(size=shape)).astype(np.float32).astype(np.float64)

        p = (r(cells), r(cells), r(cells)) if peephole else (None, None, None)
        return cls(*(r(inputs, cells) for _ in range(4)), *(r(cells, cells) for _ in range(4)),
                   *(r(cells) for _ in range(4)), *p)


def lstm_gates(x: np.ndarray, s: np.ndarray, c: np.ndarray, P: LSTMParams,
               peephole: bool = False) -> dict[str, np.ndarray]:
    """One step's g, i, f, c, o and s (the curriculum's corrected equations)."""
    x, s, c_prev = (np.asarray(a, dtype=np.float64) for a in (x, s, c))
    p_i = p_f = p_o = np.zeros(P.cells)
    if peephole:
        if P.p_i is None or P.p_f is None or P.p_o is None:
            raise ValueError("peephole=True needs P.p_i, P.p_f and P.p_o")
        p_i, p_f, p_o = P.p_i, P.p_f, P.p_o
    g = np.tanh(x @ P.W_g + s @ P.U_g + P.b_g)
    i = sigmoid(x @ P.W_i + s @ P.U_i + c_prev * p_i + P.b_i)
    f = sigmoid(x @ P.W_f + s @ P.U_f + c_prev * p_f + P.b_f)
    c_new = i * g + f * c_prev
    o = sigmoid(x @ P.W_o + s @ P.U_o + c_new * p_o + P.b_o)
    return {"g": g, "i": i, "f": f, "c": c_new, "o": o, "s": o * np.tanh(c_new)}


def lstm_step(x: np.ndarray, s: np.ndarray, c: np.ndarray, P: LSTMParams,
              peephole: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step: the new (s, c). ``lstm_gates`` gives the gates too."""
    gates = lstm_gates(x, s, c, P, peephole)
    return gates["s"], gates["c"]


def lstm_forward(xs: np.ndarray, P: LSTMParams, s0: np.ndarray | None = None,
                 c0: np.ndarray | None = None,
                 peephole: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run over xs (batch, time, inputs) from (s0, c0) (zeros if not given): every step's s
    (batch, time, cells), as ``return_sequences=True`` gives, and the last (s, c)."""
    xs = np.asarray(xs, dtype=np.float64)
    state_shape = (*xs.shape[:-2], P.cells)
    s = np.zeros(state_shape) if s0 is None else np.asarray(s0, dtype=np.float64)
    c = np.zeros(state_shape) if c0 is None else np.asarray(c0, dtype=np.float64)
    outputs = []
    for t in range(xs.shape[-2]):
        s, c = lstm_step(xs[..., t, :], s, c, P, peephole)
        outputs.append(s)
    seq = np.stack(outputs, axis=-2) if outputs else np.zeros((*state_shape[:-1], 0, P.cells))
    return seq, s, c


# --- GRU ---------------------------------------------------------------------------------------

@dataclass
class GRUParams:
    """One GRU layer: W_* (inputs, units), U_* (units, units), b_* (units,) the input biases,
    and rb_* (units,) the recurrent biases of the reset-after form (zeros unless given).
    In the reset-before form rb_* simply add to b_*."""

    W_z: np.ndarray
    W_r: np.ndarray
    W_h: np.ndarray
    U_z: np.ndarray
    U_r: np.ndarray
    U_h: np.ndarray
    b_z: np.ndarray
    b_r: np.ndarray
    b_h: np.ndarray
    rb_z: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rb_r: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rb_h: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        for name in ("rb_z", "rb_r", "rb_h"):
            if np.size(getattr(self, name)) == 0:
                setattr(self, name, np.zeros(self.units))

    @property
    def inputs(self) -> int:
        return int(self.W_z.shape[0])

    @property
    def units(self) -> int:
        return int(self.W_z.shape[1])

    @classmethod
    def random(cls, inputs: int, units: int, rng: np.random.Generator,
               scale: float = 0.5) -> GRUParams:
        """Normal weights and both biases, rounded to float32 like ``LSTMParams.random``."""
        def r(*shape: int) -> np.ndarray:
            return (scale * rng.normal(size=shape)).astype(np.float32).astype(np.float64)

        return cls(*(r(inputs, units) for _ in range(3)), *(r(units, units) for _ in range(3)),
                   *(r(units) for _ in range(6)))


def gru_step(x: np.ndarray, h: np.ndarray, P: GRUParams, *, reset_after: bool) -> np.ndarray:
    """One GRU step, h′ = z ⊙ h + (1 − z) ⊙ ĥ. Say which convention: ``reset_after=False``
    is the curriculum's (Cho et al. 2014; Keras ``reset_after=False``), ĥ = tanh(x W_h +
    (r ⊙ h) U_h + b_h); ``reset_after=True`` is PyTorch's ``GRUCell`` and Keras's default,
    ĥ = tanh(x W_h + b_h + r ⊙ (h U_h + rb_h))."""
    x, h = np.asarray(x, dtype=np.float64), np.asarray(h, dtype=np.float64)
    z = sigmoid(x @ P.W_z + h @ P.U_z + P.b_z + P.rb_z)
    r = sigmoid(x @ P.W_r + h @ P.U_r + P.b_r + P.rb_r)
    if reset_after:
        h_hat = np.tanh(x @ P.W_h + P.b_h + r * (h @ P.U_h + P.rb_h))
    else:
        h_hat = np.tanh(x @ P.W_h + (r * h) @ P.U_h + P.b_h + P.rb_h)
    return z * h + (1 - z) * h_hat


def gru_forward(xs: np.ndarray, P: GRUParams, h0: np.ndarray | None = None, *,
                reset_after: bool) -> tuple[np.ndarray, np.ndarray]:
    """Run over xs (batch, time, inputs): every step's h (batch, time, units) and the last."""
    xs = np.asarray(xs, dtype=np.float64)
    h = np.zeros((*xs.shape[:-2], P.units)) if h0 is None else np.asarray(h0, dtype=np.float64)
    outputs = []
    for t in range(xs.shape[-2]):
        h = gru_step(xs[..., t, :], h, P, reset_after=reset_after)
        outputs.append(h)
    seq = np.stack(outputs, axis=-2) if outputs else np.zeros((*h.shape[:-1], 0, P.units))
    return seq, h


# --- The frameworks' weights ----------------------------------------------------------------------

def to_keras_lstm(P: LSTMParams) -> list[np.ndarray]:
    """``keras.layers.LSTM(cells).set_weights`` order: kernel (n, 4h), recurrent_kernel
    (h, 4h), bias (4h,), each in the gate order i, f, g, o. Keras has no peepholes."""
    if P.has_peepholes:
        raise ValueError("keras.layers.LSTM has no peepholes")
    kernel = np.concatenate([getattr(P, f"W_{k}") for k in KERAS_LSTM_GATES], axis=1)
    recurrent = np.concatenate([getattr(P, f"U_{k}") for k in KERAS_LSTM_GATES], axis=1)
    bias = np.concatenate([getattr(P, f"b_{k}") for k in KERAS_LSTM_GATES])
    return [kernel, recurrent, bias]


def to_torch_lstm(P: LSTMParams) -> dict[str, np.ndarray]:
    """``nn.LSTM``'s ``weight_ih_l0`` (4h, n), ``weight_hh_l0`` (4h, h), ``bias_ih_l0`` and
    ``bias_hh_l0`` (4h,), rows in the gate order i, f, g, o: the transposed matrices. PyTorch
    adds its two biases, so the whole bias goes into ``bias_ih`` and ``bias_hh`` is zero.
    ``nn.LSTMCell`` takes the same names without the ``_l0``."""
    if P.has_peepholes:
        raise ValueError("torch.nn.LSTM has no peepholes")
    return {
        "weight_ih_l0": np.concatenate([getattr(P, f"W_{k}").T for k in TORCH_LSTM_GATES], axis=0),
        "weight_hh_l0": np.concatenate([getattr(P, f"U_{k}").T for k in TORCH_LSTM_GATES], axis=0),
        "bias_ih_l0": np.concatenate([getattr(P, f"b_{k}") for k in TORCH_LSTM_GATES]),
        "bias_hh_l0": np.zeros(4 * P.cells),
    }


def from_torch_lstm(weights: dict[str, np.ndarray]) -> LSTMParams:
    """The reverse of ``to_torch_lstm`` (names with or without ``_l0``): the two biases summed."""
    w = {name.removesuffix("_l0"): np.asarray(v, dtype=np.float64) for name, v in weights.items()}
    h = w["weight_hh"].shape[1]
    parts = {k: slice(j * h, (j + 1) * h) for j, k in enumerate(TORCH_LSTM_GATES)}
    bias = w["bias_ih"] + w["bias_hh"]
    return LSTMParams(*(w["weight_ih"][parts[k]].T for k in LSTM_GATES),
                      *(w["weight_hh"][parts[k]].T for k in LSTM_GATES),
                      *(bias[parts[k]] for k in LSTM_GATES))


def to_keras_gru(P: GRUParams, reset_after: bool = True) -> list[np.ndarray]:
    """``keras.layers.GRU(units, reset_after=...)``'s kernel (n, 3h), recurrent_kernel (h, 3h)
    in the order z, r, h, and its bias: (2, 3h), input then recurrent, with reset_after=True;
    (3h,), the two summed, with reset_after=False."""
    kernel = np.concatenate([getattr(P, f"W_{k}") for k in KERAS_GRU_GATES], axis=1)
    recurrent = np.concatenate([getattr(P, f"U_{k}") for k in KERAS_GRU_GATES], axis=1)
    b = np.concatenate([getattr(P, f"b_{k}") for k in KERAS_GRU_GATES])
    rb = np.concatenate([getattr(P, f"rb_{k}") for k in KERAS_GRU_GATES])
    return [kernel, recurrent, np.stack([b, rb]) if reset_after else b + rb]


def to_torch_gru(P: GRUParams) -> dict[str, np.ndarray]:
    """``nn.GRU``'s ``weight_ih_l0`` (3h, n), ``weight_hh_l0`` (3h, h), ``bias_ih_l0`` (the
    b_*), ``bias_hh_l0`` (the rb_*), rows in the order r, z, n. PyTorch's GRU is always the
    reset-after form. ``nn.GRUCell`` takes the same names without the ``_l0``."""
    return {
        "weight_ih_l0": np.concatenate([getattr(P, f"W_{k}").T for k in TORCH_GRU_GATES], axis=0),
        "weight_hh_l0": np.concatenate([getattr(P, f"U_{k}").T for k in TORCH_GRU_GATES], axis=0),
        "bias_ih_l0": np.concatenate([getattr(P, f"b_{k}") for k in TORCH_GRU_GATES]),
        "bias_hh_l0": np.concatenate([getattr(P, f"rb_{k}") for k in TORCH_GRU_GATES]),
    }


# --- Parameter counts (curriculum §4.2) -----------------------------------------------------------

def lstm_params(inputs: int, cells: int, framework: str = "keras", peephole: bool = False,
                bidirectional: bool = False) -> int:
    """Keras 4(n·h + h² + h); PyTorch 4(n·h + h² + 2h), its second bias vector. Peepholes
    (no framework layer has them) add 3h; Bidirectional doubles."""
    name = _framework(framework)
    biases = 2 if name == "torch" else 1
    count = 4 * (inputs * cells + cells * cells + biases * cells) + (3 * cells if peephole else 0)
    return 2 * count if bidirectional else count


def gru_params(inputs: int, units: int, framework: str = "keras", reset_after: bool = True,
               bidirectional: bool = False) -> int:
    """3(n·h + h² + 2h) with reset_after=True (Keras's default, and PyTorch's only form);
    3(n·h + h² + h) with Keras's reset_after=False. Bidirectional doubles."""
    name = _framework(framework)
    if name == "torch" and not reset_after:
        raise ValueError("PyTorch's GRU is always the reset-after form")
    biases = 2 if reset_after else 1
    count = 3 * (inputs * units + units * units + biases * units)
    return 2 * count if bidirectional else count


# --- Zoneout (Krueger et al. 2016, arXiv:1606.01305) ---------------------------------------------

def zoneout(prev: np.ndarray, new: np.ndarray, rate: float, rng: np.random.Generator,
            training: bool = True) -> np.ndarray:
    """Training: each unit keeps its previous value with probability ``rate``, otherwise takes
    the new one. Inference: the expectation, rate·prev + (1 − rate)·new."""
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must lie in [0, 1], not {rate}")
    prev, new = np.asarray(prev, dtype=np.float64), np.asarray(new, dtype=np.float64)
    if not training:
        return rate * prev + (1.0 - rate) * new
    keep = rng.random(np.broadcast_shapes(prev.shape, new.shape)) < rate
    return np.where(keep, prev, new)


def zoneout_lstm_forward(xs: np.ndarray, P: LSTMParams, rate_s: float, rate_c: float,
                         rng: np.random.Generator, training: bool = True,
                         s0: np.ndarray | None = None, c0: np.ndarray | None = None,
                         peephole: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``lstm_forward`` with zoneout on s and on c at every step (separate masks and rates, as
    Krueger et al.): the step computes (s_new, c_new) from the kept state, then each is
    zoned out against its previous value. Returns every step's s and the last (s, c)."""
    xs = np.asarray(xs, dtype=np.float64)
    state_shape = (*xs.shape[:-2], P.cells)
    s = np.zeros(state_shape) if s0 is None else np.asarray(s0, dtype=np.float64)
    c = np.zeros(state_shape) if c0 is None else np.asarray(c0, dtype=np.float64)
    outputs = []
    for t in range(xs.shape[-2]):
        s_new, c_new = lstm_step(xs[..., t, :], s, c, P, peephole)
        s = zoneout(s, s_new, rate_s, rng, training)
        c = zoneout(c, c_new, rate_c, rng, training)
        outputs.append(s)
    seq = np.stack(outputs, axis=-2) if outputs else np.zeros((*state_shape[:-1], 0, P.cells))
    return seq, s, c
