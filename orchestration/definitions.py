"""The code location: every module of orchestration/defs/ loaded and merged, nothing else.

Building it reads the dbt manifest (parsing the project first when there is none), so it
happens here, when Dagster loads the code location, and never when a module is imported.
"""

from pathlib import Path

from dagster import load_from_defs_folder

defs = load_from_defs_folder(path_within_project=Path(__file__).parent)
