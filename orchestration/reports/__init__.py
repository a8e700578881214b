"""Charts and the analyst report, one module per concern: `model` (what is read and
produced), `data` (marts shaped into lines and period bars), `events` (which policy steps a
chart marks), `drawing` and `period_bars` (matplotlib), `report` (assembles the sections),
`page` (the HTML and the files) and `assets` (Dagster)."""
