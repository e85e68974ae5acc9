"""``posecoach batch``: analyse many clips on every core (or a Ray cluster), resumably.

One job per module: ``inputs`` (paths -> clip jobs with content-hash ids), ``worker`` (one clip -> one record, in a
long-lived worker process that loads MediaPipe once), ``engines`` (a local process
pool, or Ray actors), ``store`` (one JSON record per clip, written atomically; done clips are skipped on a re-run),
``summary`` (CSV, Parquet and an HTML index over the records) and ``run`` (the orchestration: progress, failures,
Ctrl+C).
"""
