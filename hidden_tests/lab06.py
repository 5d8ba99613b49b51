"""Hidden tests of lab 6, for both languages and both framework tracks. They run in the
grader and call the student's code through ``nb`` (coursetools/grading/proxy.py).

Every network is built afresh in the student's kernel from the offline backbone of a
freshly imported dlcourse.transfer (a notebook that replaced the module's functions gains
nothing); the measuring helpers (KERNEL) are sent anew with every test, and the expected
counts come from the backbone's shape on the grader's side. unfreeze_top and make_optimizer
are tested on the grader's own stage-1 network (KERNEL's _g6_reference), so a wrong
build_transfer_model costs only its own points. The last test runs the lab's
comparison once more with the grader's own seed and split: the student's functions, the
package's training loop."""

import numpy as np

from dlcourse.transfer import BLOCKS, OFFLINE

SEED = 2026
HEAD = BLOCKS[-1] + 1  # the Dense(1) head on 128 features
CONV = [c_in * c_out * 9 for c_in, c_out in zip(BLOCKS, BLOCKS[1:])]  # 3 x 3, no bias
BN = 2 * sum(BLOCKS[1:])  # scale and shift per channel

KERNEL = '''
import importlib as _g6_importlib
import numpy as _g6_np
import dlcourse.transfer
_g6 = _g6_importlib.reload(dlcourse.transfer)


def _g6_raises(f, *args):
    try:
        f(*args)
    except ValueError as _g6_error:  # noqa: F841
        return True
    return False


def _g6_is_bn(_g6_layer):
    return type(_g6_layer).__name__ in ("BatchNormalization", "BatchNorm2d")


def _g6_trainable(_g6_model):
    if hasattr(_g6_model, "trainable_weights"):
        return sum(int(_g6_np.prod(w.shape)) for w in _g6_model.trainable_weights)
    return sum(p.numel() for p in _g6_model.parameters() if p.requires_grad)


def _g6_flags(_g6_backbone):
    """Per _g6_block: (trainable? of each weight of its other layers, of its batch norms)."""
    if _g6_backbone.framework == "keras":
        return [([l.trainable for l in b if l.weights and not _g6_is_bn(l)],
                 [l.trainable for l in b if _g6_is_bn(l)]) for b in _g6_backbone.blocks]
    return [([p.requires_grad for m in b.modules() if not _g6_is_bn(m) for p in m.parameters(recurse=False)],
             [p.requires_grad for m in b.modules() if _g6_is_bn(m) for p in m.parameters()]) for b in _g6_backbone.blocks]


def _g6_bn_kept(_g6_model, _g6_backbone):
    """A training step's forward pass leaves the batch-norm statistics as they were."""
    x = _g6_np.random.default_rng(0).normal(size=(8, 28, 28, 1)).astype("float32") * 3
    if _g6_backbone.framework == "keras":
        bns = [l for l in _g6_backbone.model.layers if _g6_is_bn(l)]
        before = [_g6_np.array(v) for l in bns for v in l.non_trainable_weights]
        _g6_model(x, training=True)
        return all(_g6_np.array_equal(a, _g6_np.array(v)) for a, v in zip(before, [v for l in bns for v in l.non_trainable_weights]))
    import torch
    bns = [m for m in _g6_backbone.model.modules() if _g6_is_bn(m)]
    before = [t.clone() for m in bns for t in (m.running_mean, m.running_var)]
    _g6_model.train()
    _g6_model(torch.from_numpy(x.transpose(0, 3, 1, 2).copy()))
    after = [t for m in bns for t in (m.running_mean, m.running_var)]
    return all(torch.equal(a, b) for a, b in zip(before, after)) and not any(m.training for m in bns)


def _g6_steps(_g6_model, _g6_optimizer, _g6_head):
    """One step with a gradient of ones on every trainable weight: (is it the head's, the
    largest change of the weight array) for each."""
    if hasattr(_g6_model, "trainable_variables"):
        import keras
        vs = list(_g6_model.trainable_variables)
        before = [_g6_np.array(v) for v in vs]
        _g6_optimizer.apply([keras.ops.ones(v.shape) for v in vs], vs)
        paths = {v.path for v in _g6_head.weights}
        return [(v.path in paths, float(_g6_np.max(_g6_np.abs(b - _g6_np.array(v))))) for b, v in zip(before, vs)]
    import torch
    ps = [p for p in _g6_model.parameters() if p.requires_grad]
    before = [p.detach().clone() for p in ps]
    for p in ps:
        p.grad = torch.ones_like(p)
    _g6_optimizer.step()
    ids = {id(p) for p in _g6_head.parameters()}
    return [(id(p) in ids, float((b - p.detach()).abs().max())) for b, p in zip(before, ps)]


def _g6_reference(_g6_backbone, top=0):
    """The grader's own stage-1 network on ``backbone`` (its top ``top`` blocks unfrozen
    but their batch norms), so that the tests of unfreeze_top and make_optimizer do not
    depend on the student's other answers. PyTorch's has a ``head``, as the lab's."""
    if _g6_backbone.framework == "keras":
        import keras
        _g6_base = _g6_backbone.model
        _g6_base.trainable = False
        inputs = keras.Input(_g6_base.input_shape[1:])
        pooled = keras.layers.GlobalAveragePooling2D()(_g6_base(inputs, training=False))
        _g6_model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(pooled))
        if top:
            _g6_base.trainable = True
            for _g6_layer in _g6_base.layers:
                _g6_layer.trainable = any(_g6_layer is l for b in _g6_backbone.blocks[-top:] for l in b) and not _g6_is_bn(_g6_layer)
        return _g6_model
    import torch

    class _G6Net(torch.nn.Module):
        def __init__(_g6_self):
            torch.nn.Module.__init__(_g6_self)
            _g6_self.base, _g6_self.head = _g6_backbone.model, torch.nn.Linear(_g6_backbone.features, 1)

        def forward(_g6_self, x):
            return _g6_self.head(_g6_self.base(x).mean(dim=(2, 3))).squeeze(1)

        def train(_g6_self, mode=True):
            torch.nn.Module.train(_g6_self, mode)
            _g6_self.base.eval()
            return _g6_self

    for _g6_p in _g6_backbone.model.parameters():
        _g6_p.requires_grad = False
    for _g6_block in _g6_backbone.blocks[len(_g6_backbone.blocks) - top:] if top else []:
        for m in _g6_block.modules():
            if not _g6_is_bn(m):
                for _g6_p in m.parameters(recurse=False):
                    _g6_p.requires_grad = True
    return _G6Net()


def _g6_fresh(framework, pretrained=True):
    return _g6.load_backbone(framework, source="offline", pretrained=pretrained, verbose=False)
'''
FRESH = f"exec({KERNEL!r}, globals())"


def _setup(nb, model="build_transfer_model(_g6_bb)"):
    """The helpers, a fresh backbone ``_g6_bb`` and the student's model ``_g6_m`` on it."""
    nb.eval(FRESH)
    nb.eval(f"globals().update(_g6_bb=_g6_fresh({nb.track!r}))")
    nb.eval(f"globals().update(_g6_m={model})")


def _head(nb):
    return "_g6_m.layers[-1]" if nb.track == "keras" else "_g6_m.head"


def test_split_per_class(nb):
    rng = np.random.default_rng(SEED)
    labels = rng.permutation(np.repeat([0, 1], 600))
    train, val, test = (np.asarray(part) for part in nb.split_per_class(labels, 400, 100, 100, seed=3))
    assert (len(train), len(val), len(test)) == (800, 200, 200), "400/100/100 per class of 600 + 600"
    every = np.concatenate([train, val, test])
    assert len(set(every.tolist())) == 1200 and every.min() >= 0 and every.max() < 1200, "disjoint, valid indices"
    for part, size in ((train, 400), (val, 100), (test, 100)):
        assert np.bincount(labels[part], minlength=2).tolist() == [size, size], "the same number from each class"
    again = np.asarray(nb.split_per_class(labels, 400, 100, 100, seed=3)[0])
    other = np.asarray(nb.split_per_class(labels, 400, 100, 100, seed=4)[0])
    assert np.array_equal(np.sort(again), np.sort(train)), "the same seed gives the same split"
    assert not np.array_equal(np.sort(other), np.sort(train)), "another seed gives another split"
    three = rng.permutation(np.repeat([0, 1, 2], [50, 80, 30]))  # unequal classes, shuffled
    parts = nb.split_per_class(three, 10, 5, 15, seed=0)
    assert [np.bincount(three[np.asarray(p)], minlength=3).tolist() for p in parts] == [[10] * 3, [5] * 3, [15] * 3]
    nb.eval(FRESH)
    assert nb.eval("_g6_raises(split_per_class, _g6_np.repeat([0, 1], [50, 20]), 10, 5, 10, 0)"), \
        "a class with fewer images than asked for raises ValueError"


def test_prepare(nb):
    _setup(nb, "None")
    rng = np.random.default_rng(SEED)
    images = rng.integers(0, 256, size=(12, 28, 28, 1)).astype(np.uint8)
    labels = rng.integers(0, 2, size=12)
    index = np.array([7, 2, 11, 0])
    x, y = nb.prepare(nb.ref("_g6_bb"), images, labels, index)
    nb.eval(f"globals().update(_g6_img=_g6_np.array({images.tolist()}, dtype='uint8'))")
    expected = nb.eval(f"_g6_bb.preprocess(_g6_img[{index.tolist()}])")
    assert np.asarray(x).shape == np.asarray(expected).shape, "the backbone's input shape"
    assert np.allclose(np.asarray(x), np.asarray(expected), atol=1e-6), "the backbone's own preprocessing"
    assert np.asarray(y).tolist() == labels[index].tolist(), "the labels of the same images"


def test_build_transfer_model(nb):
    _setup(nb)
    assert nb.eval("_g6_trainable(_g6_m)") == HEAD, f"stage 1 trains only the head: {HEAD} weights"
    assert not any(any(a) or any(b) for a, b in nb.eval("_g6_flags(_g6_bb)")), "every backbone layer is frozen"
    assert nb.eval("_g6_bn_kept(_g6_m, _g6_bb)"), "the frozen backbone runs in inference mode"
    shape = nb.eval("tuple(_g6_m(_g6_bb.preprocess(_g6_np.zeros((3, 28, 28, 1), 'uint8'))).shape)")
    assert int(np.prod(shape)) == 3, "one output per image"
    nb.eval(f"globals().update(_g6_s=build_transfer_model(_g6_fresh({nb.track!r}, False), frozen=False))")
    assert nb.eval("_g6_trainable(_g6_s)") == HEAD + sum(CONV) + BN, "frozen=False: every weight trains"


def test_unfreeze_top(nb):
    for n in (2, 1):
        _setup(nb, "_g6_reference(_g6_bb)")
        nb.unfreeze_top(nb.ref("_g6_m"), nb.ref("_g6_bb"), n)
        assert nb.eval("_g6_trainable(_g6_m)") == HEAD + sum(CONV[-n:]), \
            f"top {n}: the head and the top blocks' convolutions train"
        flags = nb.eval("_g6_flags(_g6_bb)")
        assert not any(any(a) or any(b) for a, b in flags[:-n]), "the lower blocks stay frozen"
        assert all(all(a) for a, _ in flags[-n:]), "the top blocks' convolutions train"
        assert not any(any(b) for _, b in flags[-n:]), "batch normalisation stays frozen"
        assert nb.eval("_g6_bn_kept(_g6_m, _g6_bb)"), "batch normalisation stays in inference mode"


def test_make_optimizer(nb):
    _setup(nb, "_g6_reference(_g6_bb)")
    nb.eval("globals().update(_g6_o=make_optimizer(_g6_m, _g6_bb, 0.02, 0.0002))")
    steps = nb.eval(f"_g6_steps(_g6_m, _g6_o, {_head(nb)})")  # stage 1: the head only
    assert steps and all(head for head, _ in steps), "stage 1: only the head's weights are stepped"
    assert all(abs(step - 0.02) < 2e-5 for _, step in steps), "the head's learning rate"
    _setup(nb, "_g6_reference(_g6_bb, top=2)")
    nb.eval("globals().update(_g6_o=make_optimizer(_g6_m, _g6_bb, 0.02, 0.0002))")
    steps = nb.eval(f"_g6_steps(_g6_m, _g6_o, {_head(nb)})")
    head = [step for is_head, step in steps if is_head]
    base = [step for is_head, step in steps if not is_head]
    assert len(head) == 2 and len(base) == 2, "the head's kernel and bias; the two unfrozen convolutions"
    assert all(abs(step - 0.02) < 2e-5 for step in head), "the head steps at head_lr"
    assert all(abs(step - 0.0002) < 2e-7 for step in base), "the backbone steps at base_lr"


def test_comparison(nb):
    """The lab's experiment again, with the grader's seed and its own split."""
    fw, s = nb.track, OFFLINE
    _setup(nb, "None")
    nb.eval("globals().update(_g6_data=_g6.load_images(_g6_bb))")
    labels = np.asarray(nb.eval("_g6_data[1]"))
    rng = np.random.default_rng(SEED)
    members = [rng.permutation(np.flatnonzero(labels == c)) for c in (0, 1)]
    bounds = np.cumsum([0, *s.split])
    for name, start, stop in zip(("tr", "va", "te"), bounds, bounds[1:]):
        part = np.sort(np.concatenate([m[start:stop] for m in members])).tolist()
        nb.eval(f"globals().update(_g6_x{name}=_g6_bb.preprocess(_g6_data[0][{part}]), _g6_y{name}=_g6_data[1][{part}])")
    adam = ("__import__('keras').optimizers.Adam({lr})" if fw == "keras"
            else "__import__('torch').optim.Adam({model}.parameters(), lr={lr})")
    train = "_g6.train_binary({model}, {optimizer}, _g6_xtr, _g6_ytr, {epochs}, seed=" + str(SEED) + ") and None"
    nb.eval(f"(_g6.set_seed({fw!r}, {SEED}), globals().update(_g6_m=build_transfer_model(_g6_bb)))")
    stage1_opt = adam.format(lr=s.head_lr, model="_g6_m.head")
    nb.eval(train.format(model="_g6_m", optimizer=stage1_opt, epochs=s.epochs))
    stage1 = nb.eval("_g6.accuracy(_g6_m, _g6_xte, _g6_yte)")
    nb.unfreeze_top(nb.ref("_g6_m"), nb.ref("_g6_bb"), s.top_blocks)
    two_rates = f"make_optimizer(_g6_m, _g6_bb, {s.head_lr}, {s.base_lr})"
    nb.eval(train.format(model="_g6_m", optimizer=two_rates, epochs=s.epochs))
    stage2 = nb.eval("_g6.accuracy(_g6_m, _g6_xte, _g6_yte)")
    nb.eval(f"(_g6.set_seed({fw!r}, {SEED}), globals().update(_g6_s=build_transfer_model(_g6_fresh({fw!r}, False), "
            "frozen=False)))")
    nb.eval(train.format(model="_g6_s", optimizer=adam.format(lr=s.scratch_lr, model="_g6_s"), epochs=2 * s.epochs))
    scratch = nb.eval("_g6.accuracy(_g6_s, _g6_xte, _g6_yte)")
    assert stage2 > stage1 and stage2 > scratch, (
        f"fine-tuning ({stage2:.3f}) should beat the head alone ({stage1:.3f}) and training from scratch ({scratch:.3f})")
