"""dlcourse.sequences's data paths: UCI HAR's real archive layout read from a real (file://)
download, a damaged download, and the offline recordings the labs fall back to. The windows
are tested against the frameworks in tests/test_ch08_numbers.py."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dlcourse import sequences


def _har_archive(path: Path, steps: int = 6) -> dict[str, np.ndarray]:
    """An archive laid out as UCI's: an outer zip holding "UCI HAR Dataset.zip", which holds
    the nine inertial signals per part (one recording per line) and the labels 1…6."""
    draw, parts, inner = np.random.default_rng(0), {}, io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        for part, n in (("train", 5), ("test", 3)):
            x = draw.normal(size=(n, steps, len(sequences.HAR_SIGNALS))).astype(np.float32)
            y = draw.integers(1, 7, size=n)
            for c, name in enumerate(sequences.HAR_SIGNALS):
                lines = "\n".join("  " + " ".join(f"{v:.7e}" for v in row) for row in x[:, :, c])
                z.writestr(f"UCI HAR Dataset/{part}/Inertial Signals/{name}_{part}.txt", lines + "\n")
            z.writestr(f"UCI HAR Dataset/{part}/y_{part}.txt", "\n".join(map(str, y)) + "\n")
            parts[part], parts[f"y_{part}"] = x, y
    with zipfile.ZipFile(path, "w") as outer:
        outer.writestr("UCI HAR Dataset.zip", inner.getvalue())
        outer.writestr("__MACOSX/._UCI HAR Dataset.zip", b"")
    return parts


def test_a_download_in_ucis_layout_is_read_as_recordings(tmp_path: Path) -> None:
    source = tmp_path / "served.zip"
    written = _har_archive(source)
    folder = sequences.download_har(str(tmp_path / "cache"), url=source.as_uri())
    for part in ("train", "test"):
        x, y = sequences.read_har(folder, part)
        assert x.shape == written[part].shape and x.dtype == np.float32
        assert np.allclose(x, written[part], rtol=1e-6)
        assert y.tolist() == (written[f"y_{part}"] - 1).tolist()  # activities 0…5
    source.unlink()  # a second call uses the unpacked folder and needs no download
    assert sequences.download_har(str(tmp_path / "cache"), url=source.as_uri()) == folder


@pytest.mark.parametrize("lang,words", [("en", "not a whole zip file"), ("hu", "nem ép zip-fájl")])
def test_a_damaged_download_is_named_removed_and_fetched_again(tmp_path: Path, lang: str, words: str) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "uci_har.zip").write_bytes(b"<html>rate limited</html>")
    with pytest.raises(ValueError, match=words) as raised:
        sequences.download_har(str(cache), url=(tmp_path / "nowhere.zip").as_uri(), lang=lang)
    assert str(cache / "uci_har.zip") in str(raised.value)
    assert not (cache / "uci_har.zip").exists()
    source = tmp_path / "served.zip"
    _har_archive(source)
    assert sequences.download_har(str(cache), url=source.as_uri()).is_dir()  # the next call recovers


def test_an_archive_without_the_data_set_is_removed(tmp_path: Path) -> None:
    source = tmp_path / "other.zip"
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("README.txt", "something else")
    with pytest.raises(ValueError, match="UCI HAR Dataset"):
        sequences.download_har(str(tmp_path / "cache"), url=source.as_uri())
    assert not (tmp_path / "cache" / "uci_har.zip").exists()


@pytest.mark.parametrize("lang,line", [("hu", "Adatok: a kurzus szintetikus szenzorfelvételei (1200 tanító"),
                                       ("en", "Data: the course's synthetic sensor recordings (1200 training")])
def test_offline_says_which_data_in_the_notebooks_language(lang: str, line: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = sequences.load_gestures("offline", lang=lang)
    assert capsys.readouterr().out.startswith(line)
    assert data.source == "offline" and data.x_train.shape == (1200, 200, 7) and data.x_test.shape == (400, 200, 7)
    assert set(np.unique(data.y_train)) == {0, 1} and 0.4 < data.y_train.mean() < 0.6  # both classes, balanced
    assert len(data.class_names(lang)) == 2


def test_the_offline_recordings_are_the_same_every_time() -> None:
    first, second = sequences.offline_gestures(), sequences.offline_gestures()
    assert np.array_equal(first.x_train, second.x_train) and np.array_equal(first.y_test, second.y_test)


def test_online_without_a_network_says_how_to_go_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sequences, "HAR_URL", (tmp_path / "no-such-file.zip").as_uri())
    monkeypatch.setattr(sequences.download_har, "__defaults__", (sequences.DEFAULT_ROOT, sequences.HAR_URL, None))
    with pytest.raises(RuntimeError, match=r"load_gestures\(source='offline'\)"):
        sequences.load_gestures("online", lang="en", root=str(tmp_path / "cache"))


def test_an_unknown_source_is_refused_in_hungarian() -> None:
    with pytest.raises(ValueError, match="nem 'kaggle'"):
        sequences.load_gestures("kaggle", lang="hu")
