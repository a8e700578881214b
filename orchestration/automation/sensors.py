"""The sensor that starts a refresh when files are added to or changed in the landing folder."""

import hashlib
import json

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration import settings
from orchestration.automation.jobs import refresh_all_job
from orchestration.extract.files import iter_landing_files


def landing_fingerprint() -> dict[str, str]:
    """Relative path -> size and modification time of every file in the landing folder."""
    root = settings.landing_dir()
    fingerprint = {}
    for path in iter_landing_files(root):
        stat = path.stat()
        fingerprint[path.relative_to(root).as_posix()] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return fingerprint


@sensor(
    job=refresh_all_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts a refresh when files are added to or changed in the landing folder.",
)
def landing_folder_sensor(context: SensorEvaluationContext):
    current = landing_fingerprint()
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(name for name, stamp in current.items() if previous.get(name) != stamp)
    context.update_cursor(json.dumps(current, sort_keys=True))
    if not changed:
        return SkipReason("no new or changed files in the landing folder")
    run_key = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
    return RunRequest(
        run_key=run_key,
        tags={"ree/new_files": ", ".join(changed)[:200]},
    )
