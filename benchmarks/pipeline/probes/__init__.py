"""Programs the benchmark runs in their own process, so each is timed from outside and starts
from a fresh interpreter: `python -m benchmarks.pipeline.probes.<name> REPORT.json`."""
