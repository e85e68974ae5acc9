"""The batch, start to end: skip the clips already done, run the rest on an engine with a progress bar, save each
record as it comes, and write the summary; a failing clip is recorded and the rest go on; Ctrl+C stops the
workers, keeps every finished clip, and a re-run of the same command continues from there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from posecoach.batch.engines import run_engine
from posecoach.batch.inputs import ClipJob
from posecoach.batch.store import ClipStore
from posecoach.batch.summary import write_summary
from posecoach.batch.worker import BatchSettings


@dataclass
class BatchOutcome:
    records: list[dict]  # the records of the batch's clips that are done, in input order
    analysed: int = 0  # clips run now
    skipped: int = 0  # clips done by an earlier run with the same settings
    pending: int = 0  # clips not done (interrupted)
    interrupted: bool = False
    written: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.records if r.get("error")]


def run_batch(jobs: list[ClipJob], out: str | Path, settings: BatchSettings | None = None, *,
              engine: str = "pool", workers: int | None = None, ray_address: str | None = None,
              progress: bool | None = None, retry_failed: bool = False) -> BatchOutcome:
    """Runs ``jobs`` into ``out`` (see the module docstring). ``progress``: None shows the bar on a terminal only.
    Raises ``OutputError`` when ``out`` cannot be written; engines' own errors (Ray missing) before any clip."""
    from tqdm import tqdm

    settings = settings or BatchSettings()
    store = ClipStore(out).open()
    key = settings.as_dict()
    done: dict[str, dict] = {}
    for job in jobs:
        rec = store.done(job, key, retry_failed)
        if rec is not None:
            done[job.id] = rec
    todo = [j for j in jobs if j.id not in done]
    outcome = BatchOutcome(records=[], skipped=len(done))
    bar = tqdm(total=len(jobs), initial=len(done), unit="clip", desc="batch", dynamic_ncols=True,
               disable=(not progress) if progress is not None else None)
    results = run_engine(engine, todo, settings, workers, ray_address) if todo else iter(())
    try:
        for rec in results:
            store.save(rec)
            done[rec["id"]] = rec
            outcome.analysed += 1
            bar.update(1)
            failed = sum(1 for r in done.values() if r.get("error"))
            if failed:
                bar.set_postfix(failed=failed, refresh=False)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        if hasattr(results, "close"):
            results.close()  # stops the workers when we leave early
        bar.close()
    outcome.records = [done[j.id] for j in jobs if j.id in done]
    outcome.pending = len(jobs) - len(outcome.records)
    outcome.written = write_summary(out, outcome.records)
    return outcome
