"""Benchmark (issues 6 and 18): the pipeline against DuckDB alone, on the same GENERATED GACC files.

One run measures, on one set of generated query-platform exports (GBK, the real layout; see
orchestration/bench/synth.py; NOT real customs data):

  full         `ree-tracker run` as users run it (a subprocess, fresh warehouse and publish
               folder, its own DAGSTER_HOME like `make run`): wall time and peak RSS
  floor        hand-written DuckDB SQL in one process: the same landing (GBK -> UTF-8 with an
               incremental decoder, read_csv, the quarantine rules, provenance columns) and the
               same transformations (kg -> t, partner names, the line-level detail table, the
               HS6 roll-up by month and partner with month-on-month and year-on-year changes)
  incremental  one more month dropped into the full run's landing folder, then run again
  read_csv     DuckDB's native read_csv (count(*)) on the same data in UTF-8: the reading floor
  landing      only the raw/gacc_query_exports asset on a fresh warehouse, timed from outside
  default      `ree-tracker run` on the embedded default data (data/landing)
  dbt_build    `dbt build --full-refresh` alone on the default run's warehouse: the same
               project and landed data, the yardstick of the pipeline's fixed cost

Generated input is kept in data/bench/input/ and reused while rows, months, seed, start month
and the generator's source are unchanged. Results go to data/bench/results.json (rewritten
after every step, so a run that dies still leaves what it measured) and are printed as a
table against the targets (issue 18). A step that fails or times out is recorded under
`errors` and the others still run. Run from the repository root (`make bench` does):

    .venv/bin/python -m benchmarks.pipeline --rows 10000000 [--months 120]

Modules: inputs (the generated files), runs (subprocesses and what they report), floor (the
DuckDB-only program, its SQL in sql/), probes/ (programs run in their own process), steps (the
steps, in order), results (targets, results.json, the table), __main__ (the command line).

Exit status: 0 when every step ran, 1 when one failed or timed out; with --check-targets,
2 when every step ran but a target is not met.
"""
