"""When the pipeline runs: its jobs, the schedules that follow the release calendar, and the
sensor on the landing folder."""
