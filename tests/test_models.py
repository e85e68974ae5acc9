import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from posecoach import models
from posecoach.models import build


def test_bundled_model_is_present_and_verified():
    path = models.resolve_model()
    assert path.name == "pose_landmarker_full.task"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == models.BUNDLED_FULL_SHA256


def test_bundle_layout_is_uncompressed_aligned_with_both_networks():
    path = models.resolve_model()
    with zipfile.ZipFile(path) as z:
        infos = {i.filename: i for i in z.infolist()}
        assert set(infos) == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
        for info in infos.values():
            assert info.compress_type == zipfile.ZIP_STORED
        raw = path.read_bytes()
        for info in infos.values():
            # Data offset = local header (30 bytes + name + extra as stored in the *local* header).
            name_len = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little")
            extra_len = int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], "little")
            assert (info.header_offset + 30 + name_len + extra_len) % 4 == 0
        det = z.read("pose_detector.tflite")
        assert hashlib.sha256(det).hexdigest() == build.DETECTOR_SHA256


def test_landmark_network_has_normalization_metadata():
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta
    from mediapipe.tasks.metadata import schema_py_generated as schema

    with zipfile.ZipFile(models.resolve_model()) as z:
        data = z.read("pose_landmarks_detector.tflite")
    m = schema.Model.GetRootAsModel(data, 0)
    names = {m.Metadata(i).Name(): m.Metadata(i).Buffer() for i in range(m.MetadataLength())}
    assert b"TFLITE_METADATA" in names
    buf = m.Buffers(names[b"TFLITE_METADATA"]).DataAsNumpy().tobytes()
    md = meta.ModelMetadataT.InitFromObj(meta.ModelMetadata.GetRootAsModelMetadata(buf, 0))
    unit = md.subgraphMetadata[0].inputTensorMetadata[0].processUnits[0]
    assert list(unit.options.mean) == [0.0] and list(unit.options.std) == [255.0]


def test_damaged_model_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_MODELS", str(tmp_path))
    bad = tmp_path / "pose_landmarker_full.task"
    shutil.copy(Path(__file__).resolve().parents[1] / "models" / "pose_landmarker_full.task", bad)
    with open(bad, "r+b") as f:
        f.seek(5000)
        f.write(b"\x00\x01\x02\x03")
    with pytest.raises(models.ModelError, match="damaged"):
        models.resolve_model()


def test_missing_variant_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_MODELS", str(tmp_path))
    with pytest.raises(models.ModelError, match="posecoach models download lite"):
        models.resolve_model("lite")


def test_download_without_network_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "OFFICIAL_URLS", {"lite": "http://127.0.0.1:9/nothing.task"})
    with pytest.raises(models.ModelError, match="could not download"):
        models.download("lite", dest_dir=tmp_path, timeout=2)
    assert not list(tmp_path.iterdir())  # no half file left behind


def test_cli_download_unknown_variant_exits_cleanly(capsys):
    from posecoach.cli import main

    assert main(["models", "download", "huge"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown model variant" in err


@pytest.fixture(scope="session")
def legacy_wheel(tmp_path_factory):
    d = tmp_path_factory.mktemp("wheel")
    try:
        return build.download_legacy_wheel(d)
    except build.ModelBuildError as e:
        pytest.skip(f"cannot fetch the mediapipe {build.LEGACY_WHEEL_VERSION} wheel from the package index: {e}")


def test_build_from_pypi_wheel_reproduces_the_bundled_model(legacy_wheel, tmp_path):
    out = build.build_full_bundle(tmp_path / "pose_landmarker_full.task", wheel=legacy_wheel, log=lambda *_: None)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == models.BUNDLED_FULL_SHA256


def test_build_refuses_a_wheel_with_other_networks(tmp_path):
    fake = tmp_path / "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr(build.DETECTOR_MEMBER, b"not the detector")
        z.writestr(build.LANDMARKS_MEMBER, b"not the landmarks")
    with pytest.raises(build.ModelBuildError, match="sha256"):
        build.build_full_bundle(tmp_path / "x.task", wheel=fake, log=lambda *_: None)
