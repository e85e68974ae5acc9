"""Plain functions behind the CLI subcommands (they never see argparse).

A command that lives in its own module registers itself with the parser: the module names a function
``add_parser(sub, model_opts)`` that adds its subparser (``sub`` is argparse's subparsers object, ``model_opts(sp)``
adds the shared pose-model options) and sets ``func`` to a handler ``f(args) -> exit code``. ``PLUGINS`` lists those
modules, in the order ``posecoach --help`` shows them, so adding a command touches this tuple and its own module
only, not ``cli.py``.
"""

PLUGINS: tuple[str, ...] = (
    "posecoach.commands.analyze",
    "posecoach.commands.live",
    "posecoach.commands.exercises",
    "posecoach.commands.models",
    "posecoach.commands.synth",
    "posecoach.commands.programme",
    "posecoach.commands.history",
    "posecoach.commands.batch",
)
