"""Dagster's defs folder: one module per area of the data flow, each returning that area's
definitions; orchestration/definitions.py loads them all (load_from_defs_folder), as `dg`
does (`dg list defs`, `dg check defs`). Adding an area is adding a module here."""
