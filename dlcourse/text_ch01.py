"""What chapter 1's code shows (figure titles, labels, legends, printed words), in both
languages. The book pages, the deck and the lab call ``t("id", ...)``; the language is the
page's own (dlcourse.text.page_lang), so twin pages keep identical code.

>>> t("converged", "hu", name="OR", w1=1.0, w2=0.5, b=-0.5)
'OR: konvergált, w = (1,00; 0,50), b = -0,50'
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    # book/*/01_perceptron.md
    "gate": {"hu": "{name}: w = ({w1:.1f}; {w2:.1f}), b = {b:+.1f} -> kimenetek: {outputs}",
             "en": "{name}: w = ({w1:.1f}, {w2:.1f}), b = {b:+.1f} -> outputs {outputs}"},
    "decision_boundary": {"hu": "döntési határ", "en": "decision boundary"},
    "output_is": {"hu": "kimenet: {value}", "en": "output {value}"},
    "boundary_title": {"hu": "{name}: x1 + x2 - {c} = 0", "en": "{name}: x1 + x2 - {c} = 0"},
    "converged": {"hu": "{name}: konvergált, w = ({w1:.2f}; {w2:.2f}), b = {b:+.2f}",
                  "en": "{name}: converged, w = ({w1:.2f}, {w2:.2f}), b = {b:+.2f}"},
    "not_converged": {"hu": "{name}: nem konvergált, w = ({w1:.2f}; {w2:.2f}), b = {b:+.2f}",
                      "en": "{name}: did not converge, w = ({w1:.2f}, {w2:.2f}), b = {b:+.2f}"},
    "errors_per_epoch": {"hu": "     hibák epochonként: {errors}", "en": "     errors per epoch: {errors}"},
    "step": {"hu": "lépcső", "en": "step"},
    "activation_functions": {"hu": "aktivációs függvények", "en": "activation functions"},
    "step_derivative": {"hu": "lépcső' (z != 0 esetén 0)", "en": "step' (0 for z != 0)"},
    "sigmoid_max": {"hu": "a maximum {value} a z = 0 pontban", "en": "max {value} at z = 0"},
    "derivatives": {"hu": "deriváltak", "en": "derivatives"},
    "final_sse": {"hu": "{name} (végső SSE: {sse:.3f})", "en": "{name} (final SSE {sse:.3f})"},
    "gradient_step": {"hu": "gradienslépés", "en": "gradient step"},
    "sse_on_or": {"hu": "SSE az OR-on", "en": "SSE on OR"},
    "gd_one_unit": {"hu": "Gradiensmódszer egyetlen egységen", "en": "Gradient descent on one unit"},
    "hidden_line": {"hu": "h{unit}: x1 + x2 - {c} = 0 ({gate})", "en": "h{unit}: x1 + x2 - {c} = 0 ({gate})"},
    "output_line": {"hu": "kimenet: h1 - h2 - {c} = 0", "en": "output: h1 - h2 - {c} = 0"},
    "input_space": {"hu": "bemeneti tér", "en": "input space"},
    "hidden_space": {"hu": "rejtett tér", "en": "hidden space"},
    # book/*/01_landscape.md
    "machine": {"hu": "gép", "en": "machine"},
    "tensor_fp32": {"hu": "tenzor / FP32", "en": "tensor / FP32"},
    "usd_per_tflops": {"hu": "USD / DL TFLOPS", "en": "USD per DL TFLOPS"},
    "time_log": {"hu": "idő (s, logaritmikus skála)", "en": "time (s, log scale)"},
    "linear_transform": {"hu": "$10^{{{exponent}}}$ pont lineáris transzformációja",
                         "en": "Linear transform of $10^{{{exponent}}}$ points"},
    "seconds": {"hu": "{value:g} s", "en": "{value:g} s"},
    "faster": {"hu": "{fast} és {slow}: gyorsítási tényező = {ratio}", "en": "{fast} vs {slow}: {ratio}x faster"},
    "gpu_years": {"hu": "{hours:,} GPU-óra / évi {per_year} óra = {years:.2f} GPU-év",
                  "en": "{hours:,} GPU-hours / {per_year} hours per year = {years:.2f} GPU-years"},
    "wavenet_total": {"hu": "{rate:,} minta x {ms} ms = {seconds:.0f} s egy másodpercnyi hangra",
                      "en": "{rate:,} samples x {ms} ms = {seconds:.0f} s per second of audio"},
    "wavenet_implied": {"hu": "a dián szereplő {slide} s-hoz mintánként {ms:.2f} ms kellene",
                        "en": "the slide's {slide} s would need {ms:.2f} ms per sample"},
    # labs/lab01_*: the speed-up cell
    "speedups": {"hu": "gyorsítási tényezők: Dask / Pandas {dask:.2f}, RAPIDS / Pandas {rapids:.1f}, "
                       "RAPIDS / Dask {rapids_dask:.1f}; a gesztusmodellek: {years:.2f} GPU-év",
                 "en": "Dask vs Pandas: {dask:.2f}x, RAPIDS vs Pandas: {rapids:.1f}x, "
                       "RAPIDS vs Dask: {rapids_dask:.1f}x, gesture models: {years:.2f} GPU-years"},
    # lectures/*/01_perceptron.md (the deck)
    "time_log_deck": {"hu": "idő [s], logaritmikus skála", "en": "time [s], log scale"},
    "boundary": {"hu": "határ", "en": "boundary"},
    "target_is": {"hu": "célérték: {value}", "en": "target {value}"},
    "gate_title": {"hu": "{name}: w = (1, 1), b = {b}", "en": "{name}: w = (1, 1), b = {b}"},
    "activation": {"hu": "aktiváció", "en": "activation"},
    "derivative": {"hu": "derivált", "en": "derivative"},
    "step_output": {"hu": "lépcsőfüggvényes kimenet", "en": "step output"},
    "sigmoid_output": {"hu": "szigmoid kimenet", "en": "sigmoid output"},
    "sse_of_bias": {"hu": "AND, w = (4, 4): az SSE az eltolás függvényében",
                    "en": "AND, w = (4, 4): SSE as a function of the bias"},
    "bias_b": {"hu": "eltolás, $b$", "en": "bias $b$"},
    "input_two_lines": {"hu": "bemeneti tér: két egyenes", "en": "input space: two lines"},
    "hidden_one_line": {"hu": "rejtett tér: egy egyenes", "en": "hidden space: one line"},
    "output_boundary": {"hu": "a kimenet döntési határa", "en": "output boundary"},
})
