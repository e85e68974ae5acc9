"""posecoach.atomic and the video check: outputs are whole or absent, devices are never replaced, symlinks are
written through, every failure is an OutputError that names the output."""
from __future__ import annotations

import multiprocessing as mp
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from posecoach.atomic import AtomicFile, OutputError, atomic_open, write_text
from posecoach.pose import Pose, PoseFrame

cv2 = pytest.importorskip("cv2")

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def is_char_device(p: str) -> bool:
    return stat.S_ISCHR(os.stat(p).st_mode)


def no_part_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if ".part" in p.name]


def test_regular_file_is_replaced_whole_with_ordinary_permissions(tmp_path):
    p = tmp_path / "r.json"
    write_text(p, "one\n")
    assert p.read_text() == "one\n"
    assert stat.S_IMODE(p.stat().st_mode) & 0o044  # readable by others as open() would make it, not mkstemp's 0600
    os.chmod(p, 0o640)
    write_text(p, "two\n")
    assert p.read_text() == "two\n" and stat.S_IMODE(p.stat().st_mode) == 0o640  # a replaced file keeps its mode
    assert no_part_files(tmp_path)


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("the old result\n")
    for exc in (ValueError, KeyboardInterrupt):
        with pytest.raises(exc):
            with atomic_open(p, "w") as f:
                f.write("half a new ")
                raise exc
    assert p.read_text() == "the old result\n"
    assert no_part_files(tmp_path)


def test_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    dangling = tmp_path / "to-be.json"
    (tmp_path / "d.json").symlink_to(dangling)
    write_text(tmp_path / "d.json", "made")
    assert dangling.read_text() == "made" and (tmp_path / "d.json").is_symlink()
    assert no_part_files(tmp_path)


def test_dev_null_is_written_not_replaced():
    before = os.stat("/dev/null")
    write_text("/dev/null", "x" * 10000, what="JSON report")
    with AtomicFile("/dev/null", suffix=".mp4") as tmp:  # a by-name writer (OpenCV) into a device
        tmp.path.write_bytes(b"y" * 1000)
        assert tmp.path.parent != Path("/dev")  # the temporary file is never made beside the device
    after = os.stat("/dev/null")
    assert is_char_device("/dev/null") and (after.st_rdev, after.st_ino) == (before.st_rdev, before.st_ino)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_dev_full_fails_with_the_outputs_name_and_stays_a_device():
    with pytest.raises(OutputError, match=r"cannot write the JSON report /dev/full: No space left on device"):
        write_text("/dev/full", "x", what="JSON report")
    with pytest.raises(OutputError, match="No space left"):
        with AtomicFile("/dev/full", suffix=".mp4", what="annotated video") as tmp:
            tmp.path.write_bytes(b"frames")
    assert is_char_device("/dev/full")


def test_dash_and_dev_stdout_print_in_order(tmp_path):
    code = ("from posecoach.atomic import write_text\n"
            "print('before', flush=False)\n"
            "write_text('-', 'dash\\n')\n"
            "write_text('/dev/stdout', 'devstdout\\n')\n"
            "print('after')\n")
    out = tmp_path / "out.txt"
    with open(out, "w") as f:  # stdout is a regular file: it must be appended to, not replaced or overwritten
        subprocess.run([sys.executable, "-c", code], stdout=f, check=True)
    assert out.read_text() == "before\ndash\ndevstdout\nafter\n"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # a pipe
    assert p.stdout == "before\ndash\ndevstdout\nafter\n"


def test_fifo_is_streamed_into(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_text(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert got == ["through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_or_a_file_in_the_way_is_one_clear_error(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        write_text(tmp_path, "x", what="JSON report")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=r"cannot write the angles CSV .*Not a directory"):
        write_text(tmp_path / "file" / "sub" / "a.csv", "x", what="angles CSV")


def _frames(n=5):
    rng = np.random.default_rng(0)
    return [PoseFrame(i, i / 15, Pose(image=rng.uniform(0, 1, (33, 3)), visibility=np.ones(33), timestamp=i / 15))
            for i in range(n)]


def _save_many(path: str, k: int, errors) -> None:
    from posecoach import landmark_cache

    try:
        for _ in range(k):
            landmark_cache.save(Path(path), _frames())
    except Exception as e:  # reported to the parent
        errors.put(f"{type(e).__name__}: {e}")


def test_two_processes_saving_the_same_cache_entry_do_not_collide(tmp_path):
    from posecoach import landmark_cache

    path = tmp_path / "cache" / "entry.npz"
    ctx = mp.get_context("fork")
    errors = ctx.Queue()
    procs = [ctx.Process(target=_save_many, args=(str(path), 25, errors)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert errors.empty(), errors.get()
    assert len(landmark_cache.read(path, "none")) == 5
    assert no_part_files(tmp_path)


def test_an_unwritable_cache_is_a_warning_not_an_error(tmp_path):
    from posecoach import landmark_cache

    (tmp_path / "file").write_text("in the way")
    msg = landmark_cache.try_save(tmp_path / "file" / "landmarks" / "e.npz", _frames())
    assert msg and "not saved" in msg and "Not a directory" in msg


def _noise_video_script(path: Path, limit: int) -> str:
    return ("import resource, signal, sys\n"
            "import numpy as np\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # a write past the limit fails (EFBIG), like a full disk
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
            "from posecoach.outputs.video import VideoWriter, OutputError\n"
            f"w = VideoWriter({str(path)!r}, 15, (320, 240))\n"
            "rng = np.random.default_rng(0)\n"
            "for i in range(60):\n"
            "    w.write(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8))\n"
            "try:\n"
            "    w.close()\n"
            "except OutputError as e:\n"
            "    print(e); sys.exit(5)\n")


@pytest.mark.parametrize("suffix", [".mp4", ".avi", ".webm"])
def test_video_cut_short_by_the_disk_is_an_error_and_leaves_nothing(tmp_path, suffix):
    out = tmp_path / f"annotated{suffix}"
    p = subprocess.run([sys.executable, "-c", _noise_video_script(out, 300_000)], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 5, p.stdout + p.stderr
    assert p.stdout.startswith(f"cannot write the annotated video {out}: ")
    assert not out.exists() and no_part_files(tmp_path)


def test_video_check_decodes_every_frame_when_the_disk_is_nearly_full(tmp_path, monkeypatch):
    from posecoach.outputs import verify

    good, cut = tmp_path / "good.avi", tmp_path / "cut.avi"
    w = cv2.VideoWriter(str(good), cv2.VideoWriter_fourcc(*"MJPG"), 15.0, (160, 120))
    rng = np.random.default_rng(1)
    for _ in range(40):
        w.write(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    w.release()
    data = good.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # the header still says 40 frames (it was rewritten in place)
    verify.check_video(good, 40, name="good.avi")
    verify.check_video(cut, 40, name="cut.avi")  # the cheap checks cannot tell...
    monkeypatch.setattr(verify, "NEARLY_FULL_BYTES", 1 << 62)  # ...but on a (nearly) full disk everything is read
    verify.check_video(good, 40, name="good.avi")
    with pytest.raises(OutputError, match=r"cannot write the video cut.avi: only \d+ of 40 frames"):
        verify.check_video(cut, 40, name="cut.avi")


def test_two_live_sessions_started_in_the_same_second_get_two_folders(tmp_path, monkeypatch):
    from posecoach.live.recording import new_session_dir

    monkeypatch.setenv("POSECOACH_SESSIONS", str(tmp_path))
    folders = [new_session_dir() for _ in range(3)]
    assert len(set(folders)) == 3 and all(f.is_dir() for f in folders)
