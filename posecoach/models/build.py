"""Build ``pose_landmarker_full.task`` from the two TFLite models inside the mediapipe 0.10.21 wheel on PyPI.

Why this exists: MediaPipe 1.x only runs ``.task`` bundles, which are normally downloaded from Google at run time;
that host is not reachable from here, but PyPI is, and the last legacy wheel still carries the same BlazePose
networks. Two things are needed to turn them into a bundle the Tasks API accepts:

1. the landmark network has no TFLite metadata, and MediaPipe 1.x refuses an image model without
   NormalizationOptions. It takes RGB scaled to [0, 1], i.e. mean 0, std 255; we write that metadata with the
   flatbuffers schema modules that ship inside mediapipe itself (no metadata-writer import needed);
2. a ``.task`` file is an uncompressed zip whose members start on 4-byte boundaries (MediaPipe maps them
   in place), holding ``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``.

Every input is checked by sha256, and the output is byte-for-byte reproducible (fixed zip timestamps).
"""
from __future__ import annotations

from posecoach.errors import EXIT_MODEL, PosecoachError

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LEGACY_WHEEL_VERSION = "0.10.21"
DETECTOR_MEMBER = "mediapipe/modules/pose_detection/pose_detection.tflite"
DETECTOR_SHA256 = "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c"
LANDMARKS_MEMBER = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
LANDMARKS_SHA256 = "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"

_ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # fixed so the bundle's bytes do not depend on when it was built


class ModelBuildError(PosecoachError, RuntimeError):
    exit_code = EXIT_MODEL
    pass


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download_legacy_wheel(dest: Path) -> Path:
    """Fetch the mediapipe 0.10.21 cp311 manylinux wheel from the package index with pip (no install)."""
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", f"mediapipe=={LEGACY_WHEEL_VERSION}", "--no-deps",
           "--only-binary=:all:", "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
           "-d", str(dest), "-q"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise ModelBuildError(f"downloading mediapipe=={LEGACY_WHEEL_VERSION} took over 10 minutes") from None
    wheels = sorted(dest.glob(f"mediapipe-{LEGACY_WHEEL_VERSION}-*.whl"))
    if proc.returncode != 0 or not wheels:
        last = (proc.stderr.strip().splitlines() or ["no wheel was saved"])[-1]
        raise ModelBuildError(f"could not download mediapipe=={LEGACY_WHEEL_VERSION} from the package index: {last}")
    return wheels[0]


def read_member(wheel: Path, member: str, expected_sha: str) -> bytes:
    try:
        with zipfile.ZipFile(wheel) as z:
            data = z.read(member)
    except KeyError:
        raise ModelBuildError(f"{wheel.name} has no {member}") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise ModelBuildError(f"{wheel} is not a readable wheel: {e}") from None
    got = sha256_bytes(data)
    if got != expected_sha:
        raise ModelBuildError(f"{member} in {wheel.name} has sha256 {got}, expected {expected_sha}")
    return data


def add_normalization_metadata(tflite: bytes, *, mean: float, std: float, name: str) -> bytes:
    """Return ``tflite`` with a TFLITE_METADATA buffer describing one RGB image input normalised by mean/std."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta
    from mediapipe.tasks.metadata import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(tflite, 0))
    if any(m.name == b"TFLITE_METADATA" for m in (model.metadata or [])):
        raise ModelBuildError("the model already carries TFLite metadata")
    subgraph = model.subgraphs[0]

    norm = meta.NormalizationOptionsT()
    norm.mean, norm.std = [mean], [std]
    unit = meta.ProcessUnitT()
    unit.optionsType = meta.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    props = meta.ImagePropertiesT()
    props.colorSpace = meta.ColorSpaceType.RGB
    content = meta.ContentT()
    content.contentPropertiesType = meta.ContentProperties.ImageProperties
    content.contentProperties = props
    stats = meta.StatsT()
    stats.min, stats.max = [(0.0 - mean) / std], [(255.0 - mean) / std]
    image_in = meta.TensorMetadataT()
    image_in.name, image_in.content, image_in.processUnits, image_in.stats = "image", content, [unit], stats

    outputs = []
    for i in subgraph.outputs:
        t = meta.TensorMetadataT()
        t.name = subgraph.tensors[i].name.decode()
        t.content = meta.ContentT()
        t.content.contentPropertiesType = meta.ContentProperties.FeatureProperties
        t.content.contentProperties = meta.FeaturePropertiesT()
        outputs.append(t)

    sub = meta.SubGraphMetadataT()
    sub.inputTensorMetadata, sub.outputTensorMetadata = [image_in], outputs
    md = meta.ModelMetadataT()
    md.name, md.subgraphMetadata, md.minParserVersion = name, [sub], "1.0.0"
    md.description = "BlazePose GHUM 3D full landmark model; metadata added by posecoach.models.build"

    b = flatbuffers.Builder(0)
    b.Finish(md.Pack(b), b"M001")
    md_bytes = bytes(b.Output())

    buf = schema.BufferT()
    buf.data = list(md_bytes)
    model.buffers.append(buf)
    entry = schema.MetadataT()
    entry.name, entry.buffer = "TFLITE_METADATA", len(model.buffers) - 1
    model.metadata = (model.metadata or []) + [entry]

    b = flatbuffers.Builder(len(tflite) + len(md_bytes) + 1024)
    b.Finish(model.Pack(b), b"TFL3")
    return bytes(b.Output())


class _AlignedZipFile(zipfile.ZipFile):
    """ZipFile that starts each stored member's data on a 4-byte boundary (as MediaPipe's own bundler does).

    The padding goes between members, before the local header, because MediaPipe's zip reader rejects
    members whose header carries a padding 'extra' field.
    """

    def _writecheck(self, zinfo: zipfile.ZipInfo) -> None:
        offset = self.fp.tell()
        pad = (-(offset + len(zinfo.FileHeader()))) % 4
        if pad:
            self.fp.write(b"\0" * pad)
            zinfo.header_offset = offset + pad
        super()._writecheck(zinfo)


def write_task_bundle(out: Path, members: dict[str, bytes]) -> None:
    """Write an uncompressed zip with each member's data starting on a 4-byte boundary."""
    from posecoach.atomic import AtomicFile

    with AtomicFile(out, suffix="", what="model bundle") as atomic:  # renamed only once verified
        tmp = atomic.path
        with _AlignedZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_STORED
                z.writestr(info, data)
        with zipfile.ZipFile(tmp) as z:  # verify alignment before replacing the bundle
            for info in z.infolist():
                data_at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
                if data_at % 4:
                    raise ModelBuildError(f"{info.filename} is not 4-byte aligned in the bundle")


def build_full_bundle(out: Path, wheel: Path | None = None, log=print) -> Path:
    """Build models/pose_landmarker_full.task; downloads the legacy wheel when ``wheel`` is not given."""
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            log(f"downloading mediapipe=={LEGACY_WHEEL_VERSION} (wheel only, not installed) ...")
            wheel = download_legacy_wheel(Path(tmp))
        detector = read_member(wheel, DETECTOR_MEMBER, DETECTOR_SHA256)
        landmarks = read_member(wheel, LANDMARKS_MEMBER, LANDMARKS_SHA256)
        landmarks = add_normalization_metadata(landmarks, mean=0.0, std=255.0, name="Pose Landmarks Full")
        out.parent.mkdir(parents=True, exist_ok=True)
        write_task_bundle(out, {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmarks})
    log(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, sha256 {sha256_bytes(out.read_bytes())})")
    return out
