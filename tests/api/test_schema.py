"""schemathesis in process against the OpenAPI schema, signed in: no 5xx, every response matches the schema.

Each operation gets a few generated requests (plain hypothesis inside one test, which keeps titanoboa's
per-test pytest plugin out of schemathesis' subtests). Paths with an account get the signed-in one, so
its resources answer 200 rather than 403.
"""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from scripts.history import bettors
from tests.api.siwe_helpers import sign_in

pytestmark = pytest.mark.integration
BETTOR = bettors[0]
EXAMPLES = 8  # per operation; enough for a fast default run
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_default_behavior(client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    auth = sign_in(client, BETTOR)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        if operation.path == "/auth/logout":
            continue  # would end the session every other request uses

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: schemathesis.Case) -> None:
            if case.path_parameters and "address" in case.path_parameters:
                case.path_parameters["address"] = BETTOR.address
            case.call_and_validate(headers=auth, checks=CHECKS)

        check()
