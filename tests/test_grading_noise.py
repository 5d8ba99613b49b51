"""Framework noise on stderr: what TensorFlow really writes when it is imported is all
recognised as noise, and other stderr output is not (the kernels in
tests/test_grading_batch.py show the same for torch's warnings and for grades)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coursetools.grading.noise import move_noise, split_noise


@pytest.mark.slow
def test_a_real_tensorflow_import_writes_only_noise() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}  # a plain shell
    result = subprocess.run([sys.executable, "-c", "import tensorflow as tf; print(tf.constant(2.0).numpy())"],
                            env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "2.0"
    # Which lines TensorFlow writes depends on the CPU (the "oneDNN custom operations" line,
    # which zeroes a test in plain nbgrader, only where oneDNN is on by default); it always
    # writes some, and all of them must be recognised as noise.
    assert result.stderr
    noise, rest = split_noise(result.stderr)
    assert rest == "" and noise == result.stderr


def test_other_stderr_stays_an_error() -> None:
    outputs = [{"output_type": "stream", "name": "stderr",
                "text": "I0000 00:00:1795442749.195541   27050 cpu_feature_guard.cc:227] This TensorFlow "
                        "binary is optimized\nTraceback-like text of my own\n"}]
    assert move_noise(outputs)
    assert [(o["name"], o["text"]) for o in outputs] == [
        ("stdout", "I0000 00:00:1795442749.195541   27050 cpu_feature_guard.cc:227] This TensorFlow "
                   "binary is optimized\n"),
        ("stderr", "Traceback-like text of my own\n")]
