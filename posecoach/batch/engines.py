"""Where clips run: a local pool of processes, or Ray actors. Both yield one record per clip as clips finish.

Each worker (a spawned process, or a Ray actor) lives for the whole batch and runs one clip at a time
(``worker.ClipWorker``).
Closing the generator early (Ctrl+C in the caller, or ``.close()``) stops the workers: queued clips are
cancelled and running ones unwound; records already yielded are the caller's to keep.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from posecoach.batch import worker
from posecoach.batch.inputs import ClipJob
from posecoach.batch.worker import BatchSettings
from posecoach.parallel_tracking import default_workers

ENGINES = ("pool", "ray")
CRASHED = "the worker process died while analysing this clip"


# --- local pool -------------------------------------------------------------------------------------------------
def _new_pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: a forked child would inherit the parent's threads and MediaPipe state in an unknown state.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker.init_process)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:  # SIGTERM: a busy worker unwinds its clip (decoder thread, model), an idle one exits
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join(timeout=1)


def run_pool(jobs: list[ClipJob], settings: BatchSettings, workers: int | None = None) -> Iterator[dict]:
    """Records of ``jobs`` from a pool of ``workers`` spawned processes (default: one per core), as they finish.

    At most two clips per worker are queued at a time, so a stop cancels quickly. A worker that dies (a crash in
    native code) breaks the pool: a new one is made and the clips in flight are tried again; a clip in flight at
    two crashes is recorded as the cause."""
    workers = max(1, min(workers or default_workers(), len(jobs) or 1))
    todo = list(reversed(jobs))
    crashes: dict[str, int] = {}
    pool = _new_pool(workers)
    futures: dict = {}
    finished = False
    try:
        while todo or futures:
            while todo and len(futures) < 2 * workers:
                job = todo.pop()
                futures[pool.submit(worker.analyze_clip, job, settings)] = job
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            broken = []
            for f in done:
                job = futures.pop(f)
                try:
                    yield f.result()
                except BrokenProcessPool:
                    broken.append(job)
            if broken:
                broken += list(futures.values())  # every clip in flight failed with the pool
                futures.clear()
                _stop_pool(pool)
                pool = _new_pool(workers)
                for job in broken:
                    crashes[job.id] = crashes.get(job.id, 0) + 1
                    if crashes[job.id] >= 2:
                        yield worker.record(job, settings, error=CRASHED)
                    else:
                        todo.append(job)
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop_pool(pool)


# --- Ray --------------------------------------------------------------------------------------------------------
class RayMissing(RuntimeError):
    pass


def run_ray(jobs: list[ClipJob], settings: BatchSettings, workers: int | None = None,
            address: str | None = None) -> Iterator[dict]:
    """Records of ``jobs`` from Ray actors (one clip at a time each), as they finish.

    ``address``: join that cluster (``auto``, ``HOST:PORT``, ``ray://HOST:PORT``); posecoach must be installed on
    its nodes, and the clip paths readable there. Without one, a local Ray instance is started with ``workers``
    CPUs (default: one per core), and stopped at the end. Actors: ``workers``, or with an address and no
    ``workers`` one per CPU of the cluster."""
    try:
        import ray
    except ImportError:
        raise RayMissing('--engine ray needs Ray: pip install "posecoach[ray]"') from None
    started = False
    if not ray.is_initialized():
        kw = dict(logging_level="ERROR", log_to_driver=False)
        if address:
            ray.init(address=address, **kw)
        else:
            ray.init(num_cpus=workers or default_workers(), include_dashboard=False, **kw)
        started = True
    actors = []
    try:
        n = workers or int(ray.cluster_resources().get("CPU", 1))
        n = max(1, min(n, len(jobs) or 1))
        Actor = ray.remote(num_cpus=1, max_restarts=1)(worker.ClipWorker)
        actors = [Actor.remote() for _ in range(n)]
        idle = list(actors)
        todo = list(reversed(jobs))
        running: dict = {}  # object ref -> (actor, job)
        tries: dict[str, int] = {}
        while todo or running:
            while todo and idle:
                job = todo.pop()
                actor = idle.pop()
                running[actor.run.remote(job, settings)] = (actor, job)
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                actor, job = running.pop(ref)
                idle.append(actor)
                try:
                    rec = ray.get(ref)
                except ray.exceptions.RayActorError:  # the actor's process died (restarted once by Ray)
                    tries[job.id] = tries.get(job.id, 0) + 1
                    if tries[job.id] < 2:
                        todo.append(job)
                        continue
                    rec = worker.record(job, settings, error=CRASHED)
                yield rec
    finally:
        for a in actors:
            try:
                ray.kill(a)
            except Exception:  # noqa: BLE001 - already gone
                pass
        if started:
            ray.shutdown()


def run_engine(engine: str, jobs: list[ClipJob], settings: BatchSettings, workers: int | None = None,
               address: str | None = None) -> Iterator[dict]:
    if engine == "ray":
        return run_ray(jobs, settings, workers, address)
    return run_pool(jobs, settings, workers)
