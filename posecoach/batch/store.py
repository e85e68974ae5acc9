"""One JSON record per clip under ``OUT/clips/<id>.json``, written atomically: what makes a batch resumable.

A record is written only when its clip is finished (analysed, or failed), so an interrupted batch leaves either a
whole record or none; a re-run skips every clip with a record made with the same settings.
"""
from __future__ import annotations

import json
from pathlib import Path

from posecoach.atomic import write_text
from posecoach.batch.inputs import ClipJob


class ClipStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.clips = self.root / "clips"

    def open(self) -> "ClipStore":
        self.clips.mkdir(parents=True, exist_ok=True)
        return self

    def path(self, job: ClipJob) -> Path:
        return self.clips / f"{job.id}.json"

    def load(self, job: ClipJob) -> dict | None:
        try:
            return json.loads(self.path(job).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # none yet, or unreadable: the clip is done again

    def done(self, job: ClipJob, settings: dict, retry_failed: bool = False) -> dict | None:
        """The clip's record when it needs no new run: made with these settings (and not failed, if retrying)."""
        rec = self.load(job)
        if rec is None or rec.get("settings") != settings:
            return None
        if retry_failed and rec.get("error"):
            return None
        return rec

    def save(self, record: dict) -> Path:
        path = self.clips / f"{record['id']}.json"
        write_text(path, json.dumps(record, indent=1), what="clip record")
        return path
