"""The helper package: light to import, no lab's answer in it, and device detection with the
real frameworks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dlcourse.device import DeviceInfo, detect


def test_import_is_light() -> None:
    code = ("import sys, dlcourse, dlcourse.device, dlcourse.quiz, dlcourse.landscape; "
            "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_source_of_the_package_holds_a_lab_solution() -> None:
    """Students install dlcourse, so no line of any lab's solutions or hidden tests may be in
    it (tests/test_book_build.py checks the published wheel too, but only after the build)."""
    from coursetools.config import ROOT
    from coursetools.release import assignments

    from .test_lab_grading import solution_lines

    secrets = {line for a in assignments() for line in solution_lines(ROOT / "labs" / a / f"{a}.ipynb")}
    assert len(secrets) > 100
    for path in sorted((ROOT / "dlcourse").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.relative_to(ROOT)}: {leaked[:3]}"


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_detect_falls_back_to_the_cpu(framework: str, capsys: pytest.CaptureFixture[str]) -> None:
    """This machine has no GPU or TPU: the real frameworks must say so, in one line."""
    info = detect(framework)
    assert isinstance(info, DeviceInfo) and info.kind == "cpu"
    assert capsys.readouterr().out == f"{framework}: no GPU or TPU found, using the CPU\n"
    if framework == "torch":
        import torch

        assert info.handle == torch.device("cpu")
        assert torch.ones(2, device=info.handle).sum().item() == 2
    else:
        import tensorflow as tf

        with info.handle.scope():
            assert float(tf.reduce_sum(tf.ones(2))) == 2.0


def test_no_tpu_lookup_outside_colab(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside Colab the TPU resolver is never asked (it may wait for a metadata server)."""
    import tensorflow as tf

    def fail() -> None:
        raise AssertionError("TPUClusterResolver must not be called outside Colab")

    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.setattr(tf.distribute.cluster_resolver, "TPUClusterResolver", fail)
    assert detect("keras", verbose=False).kind == "cpu"


def test_colab_without_tpu_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """In Colab with no TPU attached, the real resolver raises ValueError: CPU it is."""
    monkeypatch.setenv("COLAB_RELEASE_TAG", "test")
    assert detect("keras", verbose=False).kind == "cpu"
