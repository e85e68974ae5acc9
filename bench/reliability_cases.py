"""Run every failure case of issue 11 for real and tabulate what a user gets: exit code, message, what is left.

    python bench/reliability_cases.py [--out bench/results/reliability.md]

Each case runs `posecoach` (from this checkout) in a fresh folder, on short clips made from the bundled sample
(and, for the full-disk cases, on a 400 KiB tmpfs, which needs root: skipped otherwise). "Left on disk" lists
every file in the case's folder afterwards (the input clips are kept elsewhere), the state of any device used,
and flags anything damaged or half-written. Devices are checked after every case; if one was replaced (a bug),
it is restored with mknod and the table says so.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe as describe_machine  # bench/machine.py: the script's own folder is on sys.path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "glute_bridge_side.mp4"
DEVICES = {"/dev/null": (1, 3), "/dev/full": (1, 7)}
IS_ROOT = os.geteuid() == 0


# --- inputs -----------------------------------------------------------------------------------------------------
def make_inputs(folder: Path) -> dict[str, Path]:
    """short.avi (45 frames with a person), cut.avi (the same cut off half-way), empty.avi (nobody), gap.avi
    (the sample with 4 s blanked out in the middle)."""
    import cv2
    import numpy as np

    cap = cv2.VideoCapture(str(SAMPLE))
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    cap.release()
    h, w = frames[0].shape[:2]

    def write(name, imgs):
        p = folder / name
        wr = cv2.VideoWriter(str(p), cv2.VideoWriter_fourcc(*"MJPG"), 15.0, (w, h))
        for im in imgs:
            wr.write(im)
        wr.release()
        return p

    out = {"short": write("short.avi", frames[:45]),
           "empty": write("empty.avi", [np.full((h, w, 3), 70 + i % 40, np.uint8) for i in range(45)]),
           "gap": write("gap.avi", frames[:60] + [np.full((h, w, 3), 80, np.uint8)] * 60 + frames[120:180])}
    data = out["short"].read_bytes()
    out["cut"] = folder / "cut.avi"
    out["cut"].write_bytes(data[: len(data) * 4 // 10])
    return out


# --- running and describing -------------------------------------------------------------------------------------
def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO) + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("DISPLAY", None)
    return e


def posecoach(*args) -> list[str]:
    return [sys.executable, "-m", "posecoach", *map(str, args)]


def device_state(path: str) -> str:
    st = os.stat(path)
    major, minor = os.major(st.st_rdev), os.minor(st.st_rdev)
    if stat.S_ISCHR(st.st_mode) and (major, minor) == DEVICES[path]:
        return f"{path} still a character device ({major},{minor})"
    if IS_ROOT:  # a bug replaced it: put it back, and say so loudly
        os.remove(path)
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(*DEVICES[path]))
        os.chmod(path, 0o666)
        return f"**{path} DAMAGED (was replaced; restored with mknod)**"
    return f"**{path} DAMAGED**"


def describe(folder: Path) -> list[str]:
    """Every file under ``folder``: name, size, and whether it is complete (JSON parses, video plays...)."""
    import cv2

    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out.append(f"{rel} -> {os.readlink(p)} (symlink kept)")
            continue
        if p.is_dir():
            if not any(p.iterdir()):
                out.append(f"{rel}/ (empty folder)")
            continue
        note = ""
        if ".part" in p.name:
            note = " **HALF-WRITTEN TEMPORARY FILE**"
        elif p.suffix == ".json":
            try:
                json.loads(p.read_text())
                note = " complete JSON"
            except ValueError:
                note = " **BROKEN JSON**"
        elif p.suffix in (".mp4", ".webm", ".avi"):
            cap = cv2.VideoCapture(str(p))
            n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if cap.isOpened() and cap.read()[0] else 0
            cap.release()
            note = f" plays, {n} frames" if n > 0 else " **UNPLAYABLE VIDEO**"
        elif p.suffix == ".csv":
            note = f" {len(p.read_text().splitlines())} lines"
        out.append(f"{rel} ({p.stat().st_size} B{',' if note else ''}{note})")
    return out


def message(stderr: str, stdout: str) -> str:
    lines = [l.strip() for l in stderr.splitlines() if l.strip() and not l.startswith("\r")]
    keep = [l for l in lines if l.startswith("posecoach:")]
    if keep:
        return " / ".join(keep)
    return "(none; the summary went to stderr)" if lines else "(none)"


class Case:
    def __init__(self, name, args, *, pre=None, post=None, cwd_files=(), devices=(), signal_at=None, env_extra=None,
                 needs_root=False, stdout_note=None):
        self.name, self.args, self.pre, self.post = name, args, pre, post
        self.devices, self.signal_at, self.env_extra = devices, signal_at, env_extra or {}
        self.needs_root, self.stdout_note = needs_root, stdout_note


def run_case(case: Case, ws: Path, inputs: dict) -> dict:
    ws.mkdir(parents=True)
    args = [a.format(**{k: str(v) for k, v in inputs.items()}) if isinstance(a, str) else a for a in case.args]
    extra = case.pre(ws) if case.pre else None
    extra = extra if isinstance(extra, dict) else {}
    e = {**env(), "POSECOACH_CACHE": str(ws.parent / "cache"), "POSECOACH_SESSIONS": str(ws / "sessions"),
         **{k: v.format(ws=ws) for k, v in case.env_extra.items()}}
    cmd = posecoach(*args)
    shown = "posecoach " + " ".join(shlex.quote(str(a)).replace(str(ws) + "/", "") for a in args)
    shown = shown.replace(str(ws.parent / "inputs") + "/", "").replace(str(REPO) + "/", "")
    if case.signal_at is not None:
        pattern, sig = case.signal_at
        p = subprocess.Popen(cmd, cwd=ws, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and not list(ws.glob(pattern)) and p.poll() is None:
            time.sleep(0.05)
        time.sleep(0.5)
        p.send_signal(sig)
        out, err = p.communicate(timeout=300)
        rc = p.returncode
        shown += f"  (then {sig.name} once `{pattern}` exists)"
    elif "runner" in extra:
        rc, out, err, shown = extra["runner"](ws, e)
    else:
        r = subprocess.run(cmd, cwd=ws, env=e, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
        rc, out, err = r.returncode, r.stdout, r.stderr
    left = describe(ws) if "sessions" not in extra else []
    for d in case.devices:
        left.append(device_state(d))
    if case.stdout_note:
        left.append(case.stdout_note(out))
    if case.post:
        left.extend(case.post(ws))
    return {"case": case.name, "command": shown, "rc": rc, "message": message(err, out),
            "left": "; ".join(left) if left else "nothing"}


# --- the cases --------------------------------------------------------------------------------------------------
def _symlinks(ws: Path):
    (ws / "store").mkdir()
    (ws / "store" / "real.json").write_text("an old report")
    (ws / "link.json").symlink_to("store/real.json")


def _mount_tiny(ws: Path):
    d = ws / "tiny"
    d.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(d)], check=True)


def _umount_tiny(ws: Path):
    d = ws / "tiny"  # its files are already listed (describe runs before this)
    subprocess.run(["umount", "-l", str(d)], check=False)
    d.rmdir()
    return []


def _json_on_stdout(out: str) -> str:
    try:
        return f"stdout: the JSON report ({len(out)} B, parses, {json.loads(out)['frames']} frames)"
    except (ValueError, KeyError):
        return "**stdout: not the JSON report**"


def _csv_on_stdout(out: str) -> str:
    return f"stdout: the CSV ({len(out.splitlines())} lines, header {out.split(',')[0]!r}...)"


def _cache_race(ws: Path):
    code = ("import sys, numpy as np\n"
            "from pathlib import Path\n"
            "from posecoach import landmark_cache\n"
            "from posecoach.pose import Pose, PoseFrame\n"
            "fr = [PoseFrame(i, i / 15, Pose(image=np.random.rand(33, 3), visibility=np.ones(33), timestamp=i / 15))"
            " for i in range(300)]\n"
            "for _ in range(40):\n"
            "    landmark_cache.save(Path(sys.argv[1]), fr)\n")

    def runner(ws, e):
        entry = ws / "cache" / "entry.npz"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(entry)], env=e, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        res = [p.communicate(timeout=300) for p in procs]
        rcs = [p.returncode for p in procs]
        err = "\n".join(r[1] for r in res)
        errs = [l for l in err.splitlines() if "Error" in l]
        shown = "4 processes at once, each `landmark_cache.save()` of the same entry 40 times"
        return max(rcs), "", ("; ".join(errs[:2]) if errs else ""), shown
    return {"runner": runner}


def _two_live(ws: Path):
    # Two sessions in one second is a race that cannot be timed from outside (loading the model takes a varying
    # second or two), so the folder names of the next minute are taken first, as if by sessions started then:
    # both new sessions meet the collision, and each other's.
    now = time.time()
    for k in range(90):
        taken = ws / "sessions" / time.strftime("%Y%m%d-%H%M%S", time.localtime(now + k))
        taken.mkdir(parents=True)
        (taken / "events.jsonl").write_text('{"type": "another session"}\n')

    def runner(ws, e):
        args = ["live", "--camera", str(ws.parent / "inputs" / "short.avi"), "--no-display", "--mute",
                "--seconds", "1"]
        procs = [subprocess.Popen(posecoach(*args), cwd=ws, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, stdin=subprocess.DEVNULL) for _ in range(2)]
        res = [p.communicate(timeout=300) for p in procs]
        _saved = [l for r in res for l in r[0].splitlines() if l.startswith("saved:")]
        err = "\n".join(r[1] for r in res)
        shown = ("posecoach live --camera short.avi --no-display --mute --seconds 1  (twice, started together; "
                 "the folders of the next 90 s already taken)")
        return max(p.returncode for p in procs), "", err or "(none)", shown
    return {"runner": runner, "sessions": True}


def _session_folders(ws: Path):
    root = ws / "sessions"
    new = sorted(p.name for p in root.iterdir() if (p / "summary.json").exists())
    intact = all((p / "events.jsonl").read_text() == '{"type": "another session"}\n'
                 for p in root.iterdir() if not (p / "summary.json").exists())
    return [f"new session folders: {', '.join(new)}; the taken folders untouched: {'yes' if intact else '**NO**'}"]


def _html_src(ws: Path):
    import re

    page = next(ws.glob("*.html")).read_text()
    src = re.search(r"<video id='clip'[^>]* src='([^']*)'", page)
    from urllib.parse import unquote

    if not src:
        return ["**no embedded video**"]
    ok = (ws / unquote(src.group(1))).exists()
    return [f"embedded src='{src.group(1)}' -> {'the clip exists' if ok else '**MISSING FILE**'}"]


def cases() -> list[Case]:
    S = "{short}"
    term, hup = signal.SIGTERM, signal.SIGHUP
    return [
        Case("2 report to /dev/null (root)", ["analyze", S, "-e", "glute_bridge", "-q", "-r", "/dev/null"],
             devices=["/dev/null"]),
        Case("2 CSV to /dev/null (root)", ["analyze", S, "-e", "glute_bridge", "-q", "--csv", "/dev/null"],
             devices=["/dev/null"]),
        Case("2 annotated video to /dev/null (root)", ["analyze", S, "-e", "glute_bridge", "-q", "-o", "/dev/null"],
             devices=["/dev/null"]),
        Case("2 report to /dev/full", ["analyze", S, "-e", "glute_bridge", "-q", "-r", "/dev/full"],
             devices=["/dev/full"]),
        Case("2 report through a symlink", ["analyze", S, "-e", "glute_bridge", "-q", "-r", "link.json"],
             pre=_symlinks),
        Case("2 report to /dev/stdout", ["analyze", S, "-e", "glute_bridge", "-q", "-r", "/dev/stdout"],
             stdout_note=_json_on_stdout),
        Case("2 report to - (stdout)", ["analyze", S, "-e", "glute_bridge", "-q", "-r", "-"],
             stdout_note=_json_on_stdout),
        Case("2 CSV to - (stdout)", ["analyze", S, "-e", "glute_bridge", "-q", "--csv", "-"],
             stdout_note=_csv_on_stdout),
        Case("3 full disk during -o (400 KiB tmpfs)", ["analyze", str(SAMPLE), "-e", "glute_bridge", "-q",
             "-o", "tiny/annotated.mp4", "-r", "tiny/report.json"], pre=_mount_tiny, post=_umount_tiny,
             needs_root=True),
        Case("3 full disk for the HTML report's clip", ["analyze", str(SAMPLE), "-e", "glute_bridge", "-q",
             "-r", "tiny/report.json", "--html", "tiny/report.html"], pre=_mount_tiny, post=_umount_tiny,
             needs_root=True),
        Case("4 SIGTERM during analyze", ["analyze", str(SAMPLE), "-e", "glute_bridge", "-q", "--no-cache",
             "-o", "annotated.mp4", "-r", "report.json", "--csv", "angles.csv"],
             signal_at=("annotated.*.part.mp4", term)),
        Case("4 SIGHUP during analyze", ["analyze", str(SAMPLE), "-e", "glute_bridge", "-q", "--no-cache",
             "-o", "annotated.mp4", "-r", "report.json"], signal_at=("annotated.*.part.mp4", hup)),
        Case("4 SIGTERM during synth", ["synth", "glute_bridge", "--reps", "3", "-q", "--workers", "1",
             "-o", "bridge.mp4"], signal_at=("bridge.*.part.mp4", term)),
        Case("5 unwritable cache folder", ["analyze", S, "-e", "glute_bridge", "-q", "-r", "report.json"],
             pre=lambda ws: (ws / "not-a-folder").write_text("x"), env_extra={"POSECOACH_CACHE": "{ws}/not-a-folder"}),
        Case("5 concurrent saves of one cache entry", [], pre=_cache_race),
        Case("6 cut-off video (40% of the file)", ["analyze", "{cut}", "-e", "glute_bridge", "-q", "-r", "report.json"]),
        Case("6 nobody in the video", ["analyze", "{empty}", "-e", "plank", "-q", "-r", "report.json",
             "--html", "report.html"]),
        Case("6 person lost for 4 s", ["analyze", "{gap}", "-e", "glute_bridge", "-q", "-r", "report.json"]),
        Case("6 '#' in the HTML report's name", ["analyze", S, "-e", "glute_bridge", "-q", "--html", "set #2.html"],
             post=_html_src),
        Case("7 two live sessions started in the same second", [], pre=_two_live, post=_session_folders),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "reliability.md")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="posecoach-reliability-") as tmp:
        tmp = Path(tmp)
        (tmp / "inputs").mkdir()
        inputs = make_inputs(tmp / "inputs")
        # Warm the landmark cache for the short clips, so each case costs seconds (the signal cases bypass it).
        for k in ("short", "cut", "empty", "gap"):
            subprocess.run(posecoach("analyze", inputs[k], "-q"), env={**env(), "POSECOACH_CACHE": str(tmp / "cache")},
                           capture_output=True)
        for i, case in enumerate(cases()):
            if case.needs_root and not IS_ROOT:
                rows.append({"case": case.name, "command": "(skipped: needs root to mount a tmpfs)", "rc": "",
                             "message": "", "left": ""})
                continue
            print(f"[{i + 1}] {case.name}", file=sys.stderr)
            rows.append(run_case(case, tmp / f"case{i:02d}", inputs))
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["# Reliability cases (issue 11)", "",
             f"`python bench/reliability_cases.py` on {time.strftime('%Y-%m-%d')}: {describe_machine()}, {'root' if IS_ROOT else 'not root'}.", "",
             "Each case runs in a fresh folder; \"left on disk\" is everything in it afterwards (inputs live "
             "elsewhere), with each file's state, and the state of any device used. Exit codes: 0 ok, 5 cannot write "
             "an output, 6 nobody found, 130 interrupted.", "",
             "| case | command | exit | message (stderr) | left on disk |", "|---|---|---:|---|---|"]
    for r in rows:
        lines.append(f"| {esc(r['case'])} | `{esc(r['command'])}` | {r['rc']} | {esc(r['message'])} | {esc(r['left'])} |")
    bad = [r["case"] for r in rows if "**" in r["left"]]
    lines += ["", f"Damaged or half-written: {', '.join(bad) if bad else 'none'}."]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
