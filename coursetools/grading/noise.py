"""Framework noise on stderr must not zero a correct answer.

nbgrader scores a test cell 0 when it writes anything to stderr, and TensorFlow, Keras
and torch write there: C++ log lines on import, Python warnings when used. Two halves:

- Python warnings (any library's: a warning is not an error) are printed on stdout by
  the grading kernel (sandbox.py starts it with ``warnings.showwarning`` set so);
- what the frameworks' C++ code writes straight to stderr is recognised here by its log
  format after the cell ran, and moved to a stdout output. Anything else on stderr stays
  there and scores 0, as in plain nbgrader; an exception always scores 0.
"""

from __future__ import annotations

import re
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from .events import add_event

NOISE = [re.compile(pattern) for pattern in (
    # absl/glog lines of TensorFlow, XLA and gRPC: I0000 00:00:1700000000.123456  27050 port.cc:153] ...
    r"[IWEF]\d{4} [\d:.]+\s+\d+ [\w./-]+:\d+\] .*",
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    r"To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.",
    # older TensorFlow: 2024-01-01 12:00:00.000000: I tensorflow/core/util/port.cc:113] ...
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] [\w./-]+:\d+\] .*",
    # torch's C++ warnings: [W1123 12:00:00.000000 123 torch/csrc/...cpp:42] Warning: ...
    r"\[[IWE]\d{4} [\d:.]+\s+\d+ [^\]]+:\d+\] .*",
    # Python logging of the frameworks with the default format
    r"(DEBUG|INFO|WARNING):(tensorflow|absl|keras|torch|jax|h5py)(\.[\w.]+)?:.*",
)]
# A Python warning that reached stderr anyway (logging.captureWarnings): header, source line.
WARNING_HEADER = re.compile(r".+:\d+: \w*Warning: .*")


def split_noise(text: str) -> tuple[str, str]:
    """(framework noise, everything else) of a stderr text, line by line.

    >>> noise, rest = split_noise(
    ...     "I0000 00:00:1795442749.089201   27050 port.cc:153] oneDNN custom operations are on.\\n"
    ...     "/tmp/a.py:5: UserWarning: The given NumPy array is not writable\\n"
    ...     "  t = torch.from_numpy(a)\\n"
    ...     "my own error message\\n")
    >>> rest
    'my own error message\\n'
    >>> len(noise.splitlines())
    3
    """
    noise, rest = [], []
    after_warning = False
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\n")
        if any(p.fullmatch(bare) for p in NOISE) or WARNING_HEADER.fullmatch(bare):
            noise.append(line)
            after_warning = bool(WARNING_HEADER.fullmatch(bare))
        elif after_warning and line.startswith("  "):
            noise.append(line)  # the source line that Python prints under a warning
            after_warning = False
        else:
            rest.append(line)
            after_warning = False
    return "".join(noise), "".join(rest)


def move_noise(outputs: list[Any]) -> bool:
    """Move framework noise from stderr outputs to stdout ones; True if any was moved."""
    moved = False
    result = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            text = output["text"] if isinstance(output["text"], str) else "".join(output["text"])
            noise, rest = split_noise(text)
            if noise:
                moved = True
                result.append(NotebookNode(output_type="stream", name="stdout", text=noise))
            if rest:
                result.append(NotebookNode(output_type="stream", name="stderr", text=rest))
            continue
        result.append(output)
    outputs[:] = result
    return moved


class FrameworkNoise(NbGraderPreprocessor):
    """After execution: framework log lines on stderr become stdout in every code cell."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        for cell in nb.cells:
            if cell.cell_type == "code" and move_noise(cell.outputs):
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("grade"):
                    add_event(nb, f"{meta['grade_id']}: framework messages on stderr were not "
                                  "counted as an error")
        return nb, resources
