"""What chapter 6's code shows (figure titles, labels, printed lines), in both languages. The
book pages call ``t("id", ...)``; the language is the page's own
(dlcourse.text.page_lang), so twin pages keep identical code. The lines of the lab's three
stages come from dlcourse.transfer (``stage_line``), which the lab shares.

>>> t("trainable", "hu", n=92_289), t("trainable", "en", n=92_289)
('tanítható paraméterek: 92\\xa0289', 'trainable parameters: 92,289')
>>> t("bench_cell", "hu", mean=0.9633, low=0.958, high=0.9667)
'0,963 (0,958–0,967)'
>>> len(t("bench_cell", "en", mean=1, low=1, high=1)) == BENCH_CELL_WIDTH
True
"""

from __future__ import annotations

from .text import Texts

BENCH_CELL_WIDTH = 19  # "0.963 (0.958–0.967)"


def _columns(framework: str, runs: str, *rest: str) -> str:
    """The benchmark table's header, aligned as its rows (``bench_row``) are."""
    *stages, seconds = rest
    return f"{framework:<13} {runs:>5}  " + "  ".join(f"{s:<{BENCH_CELL_WIDTH}}" for s in stages) + f"  {seconds}"


t = Texts({
    # book/*/06_transfer.md
    "mobilenet_weights": {"hu": "MobileNetV2 osztályozó nélkül: {total:,} súly, ebből {trainable:,} tanítható, "
                                "{statistics:,} pedig a batch-normalizáció mozgó átlaga",
                          "en": "MobileNetV2 without its classifier: {total:,} weights, {trainable:,} of them "
                                "trainable, {statistics:,} the moving averages of batch normalisation"},
    "feature_map": {"hu": "egy {side} × {side}-as kép jellemzőtérképének alakja: {shape}",
                    "en": "the feature map of a {side} × {side} image has the shape {shape}"},
    "trainable": {"hu": "tanítható paraméterek: {n:,}", "en": "trainable parameters: {n:,}"},
    "maps_to": {"hu": "{pixel} értékű képpont → {value}", "en": "pixel {pixel} → {value}"},
    "in_place": {"hu": "a lebegőpontos tömb maga a hívás után: {values}",
                 "en": "the float array itself after the call: {values}"},
    "digit_row": {"hu": "{name}-es", "en": "digit {name}"},
    "fig_digits_title": {"hu": "az új feladat: elforgatott, eltolt, zajos 4-esek és 9-esek, amelyeket az alapháló "
                               "sosem látott",
                         "en": "the new task: 4s and 9s, rotated, shifted and noisy, which the backbone never saw"},
    "same_features": {"hu": "{n} kép jellemzői: Keras {keras}, PyTorch {torch}, legnagyobb eltérés {gap}",
                      "en": "the features of {n} images: Keras {keras}, PyTorch {torch}, largest difference {gap}"},
    "offline_scale": {"hu": "az offline alapháló előfeldolgozása: a 0 értékű képpontból {black}, a 255 értékűből "
                            "{white} lesz",
                      "en": "the offline backbone's preprocessing: pixel 0 → {black}, pixel 255 → {white}"},
    "split_sizes": {"hu": "{train} tanító-, {val} validációs és {test} tesztkép",
                    "en": "{train} training, {val} validation and {test} test images"},
    "train_curve": {"hu": "tanító adatbázis", "en": "training set"},
    "val_curve": {"hu": "validációs adatbázis", "en": "validation set"},
    "epoch": {"hu": "epoch", "en": "epoch"},
    "accuracy": {"hu": "pontosság", "en": "accuracy"},
    "fig_stage1_title": {"hu": "1. lépés: csak az új fej tanul a befagyasztott alapháló fölött",
                         "en": "stage 1: only the new head trains, on the frozen backbone"},
    # book/*/06_fine_tuning.md
    "bn_report": {"hu": "{model}: a train() után {n} batch-normalizációs rétegből {training} van tanítási módban; "
                        "egy mini-batch után a mozgó átlaguk legnagyobb változása {moved}",
                  "en": "{model}: after train(), {training} of {n} batch-norm layers are in training mode; one "
                        "mini-batch changed their moving means by up to {moved}"},
    "keras_bn": {"hu": "trainable={trainable}: a kimenet átlaga {mean}, a mozgó átlag {moving}",
                 "en": "trainable={trainable}: output mean {mean}, moving mean {moving}"},
    "block_weights": {"hu": "{name}: {conv:,} konvolúciós súly, {norm} batch-normalizációs súly",
                      "en": "{name}: {conv:,} convolution weights, {norm} batch-norm weights"},
    "trainable_scratch": {"hu": "nulláról tanítva a tanítható paraméterek: {n:,}",
                          "en": "from scratch, trainable parameters: {n:,}"},
    "mobilenet_top": {"hu": "MobileNetV2, a {of} blokkból a felső {blocks} feloldva: {n:,} konvolúciós súly, "
                            "a fejjel együtt {total:,} tanítható paraméter",
                      "en": "MobileNetV2 with the top {blocks} of {of} blocks unfrozen: {n:,} convolution weights, "
                            "with the head {total:,} trainable parameters"},
    "groups": {"hu": "paramétercsoportok: tanulási ráták {rates}; paraméterek {sizes}",
               "en": "parameter groups: learning rates {rates}; parameters {sizes}"},
    "keras_steps": {"hu": "TwoRateAdam, első lépés: a fej legnagyobb elmozdulása {head}, az alaphálóé {base}",
                    "en": "TwoRateAdam, first step: the head moved by up to {head}, the backbone by up to {base}"},
    "scale_line": {"hu": "{name}: a súly {steps} lépés után {full}, ezerszer kisebb gradiensekkel {small}",
                   "en": "{name}: the weight after {steps} steps {full}, with gradients 1000 times smaller {small}"},
    "stage1_label": {"hu": "1. lépés:\ncsak a fej", "en": "stage 1:\nthe head only"},
    "stage2_label": {"hu": "2. lépés:\na fej és a felső blokkok", "en": "stage 2:\nthe head and the top blocks"},
    "val_accuracy": {"hu": "pontosság a validációs adatbázison", "en": "validation accuracy"},
    "fig_stages_title": {"hu": "a validációs pontosság a két lépés alatt (PyTorch)",
                         "en": "validation accuracy through both stages (PyTorch)"},
    "bench_header": {"hu": _columns("keretrendszer", "futások", "nulláról", "1. lépés", "2. lépés",
                                    "másodperc (nulláról / 1. / 2.)"),
                     "en": _columns("framework", "runs", "from scratch", "stage 1", "stage 2",
                                    "seconds (scratch / 1 / 2)")},
    "bench_cell": {"hu": "{mean:.3f} ({low:.3f}–{high:.3f})", "en": "{mean:.3f} ({low:.3f}–{high:.3f})"},
    "bench_row": {"hu": "{framework:<13} {runs:>5}  {cells}  {seconds}",
                  "en": "{framework:<13} {runs:>5}  {cells}  {seconds}"},
})
