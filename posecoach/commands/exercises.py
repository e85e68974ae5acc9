"""`posecoach exercises`: list the exercises posecoach can check, or validate exercise files (`--check FILE`)."""
from __future__ import annotations

import json


def add_parser(sub, model_opts) -> None:
    ex = sub.add_parser("exercises", help="list the exercises posecoach can check")
    ex.add_argument("--json", action="store_true", help="machine-readable, with each exercise's guidance")
    ex.add_argument("--check", nargs="+", metavar="FILE",
                    help="validate exercise files (.toml) instead of listing: one line each, exit 2 on the first "
                         "error")
    ex.set_defaults(func=run)


def run(args) -> int:
    from posecoach.exercises import list_exercises, load_exercise_file

    if args.check:  # validate exercise files: one line each, or the first error (exit 2)
        checked = [load_exercise_file(p) for p in args.check]
        if args.json:
            print(json.dumps([s.summary() for s in checked], indent=2))
        for p, s in zip(args.check, checked):
            if not args.json:
                print(f"{p}: ok: {s.id} ({s.name}), {s.kind}, family {s.family}, views "
                      f"{'/'.join(s.supported_views)}, {len(s.faults)} fault rule(s)")
        return 0
    specs = list_exercises()
    if args.json:
        print(json.dumps([{"id": s.id, "name": s.name, "aliases": list(s.aliases), "kind": s.kind,
                           "target_reps": s.target_reps, "target_hold": s.target_hold,
                           "required_view": s.required_view, "views": list(s.supported_views),
                           "family": s.family, "description": s.description,
                           "guidance": s.guidance} for s in specs], indent=2))
        return 0
    for s in specs:
        target = f"{s.target_reps} reps" if s.kind != "hold" else f"hold {s.target_hold:g} s"
        alias = f" (also: {', '.join(s.aliases)})" if s.aliases else ""
        print(f"{s.id:22} {s.kind:5} {target:12} camera: {s.required_view:8} {s.name}{alias}")
    print("\nGo slowly and gently; stop if an exercise causes pain, and build up over weeks. "
          "`posecoach exercises --json` shows each one's guidance.")
    return 0
