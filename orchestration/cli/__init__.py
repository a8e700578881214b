"""The `ree-tracker` command: run the pipeline and print what it produced (run.py), read the
claims of news articles (claims.py); main.py parses the command line."""

from orchestration.cli.main import main

__all__ = ["main"]
