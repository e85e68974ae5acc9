"""Plain functions behind the CLI subcommands (they never see argparse)."""
