"""Reading a test client's /metrics: every sample by name and labels."""

from __future__ import annotations

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: FlaskClient) -> Samples:
    """The samples `client`'s app exposes on /metrics, keyed by name and sorted labels."""
    response = client.get("/metrics")
    if response.status_code != 200 or response.mimetype != "text/plain":
        raise AssertionError(
            f"/metrics answered {response.status_code} {response.mimetype}, not 200 text/plain"
        )
    samples: Samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample `name` with exactly `labels`; 0 when the app has not exposed it."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)
