"""How the pipeline calls UN Comtrade: a Dagster resource around the HTTP client."""

import os

from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from orchestration.comtrade.client import (
    DEFAULT_BASE_URL,
    DEFAULT_DAILY_CALL_BUDGET,
    ComtradeClient,
)

API_KEY_ENV = "COMTRADE_API_KEY"


class ComtradeResource(ConfigurableResource):
    """Where and how to call UN Comtrade; without a key the public preview endpoint is used."""

    api_key: str | None = Field(
        default=None,
        description=f"Subscription key ({API_KEY_ENV}); none uses the no-key preview endpoint.",
    )
    base_url: str = Field(default=DEFAULT_BASE_URL, description="API root; tests use a local one.")
    daily_call_budget: int = Field(
        default=DEFAULT_DAILY_CALL_BUDGET,
        description="Most HTTP calls per UTC day, counted from raw.comtrade_requests "
        "(a free key allows 500).",
    )
    codes_per_request: int = Field(
        default=10,
        description="HS6 codes asked for in one call; a possibly truncated answer is split.",
    )
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 300.0
    timeout_seconds: float = 60.0

    def client(self, calls_already_made: int = 0) -> ComtradeClient:
        return ComtradeClient(
            api_key=self.api_key or None,
            base_url=self.base_url,
            max_attempts=self.max_attempts,
            backoff_seconds=self.backoff_seconds,
            max_wait_seconds=self.max_wait_seconds,
            timeout_seconds=self.timeout_seconds,
            daily_call_budget=self.daily_call_budget,
            calls_already_made=calls_already_made,
        )


def comtrade_resource() -> ComtradeResource:
    """The resource for the definitions: the key is read by Dagster at run time (EnvVar), and
    only when the variable is set, so a machine without a key still loads and uses the
    preview endpoint."""
    if os.environ.get(API_KEY_ENV):
        return ComtradeResource(api_key=EnvVar(API_KEY_ENV))
    return ComtradeResource()
