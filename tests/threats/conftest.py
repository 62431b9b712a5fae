"""A case of its own for each incident-log test, so counts and chain positions start from nothing
(the shared world's north case already holds an incident for the access walk)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import World


@pytest.fixture
def case(client: TestClient[Any], world: World) -> uuid.UUID:
    """A new North Hub case, opened (and so worked) by the world's worker."""
    response = client.post("/api/cases", headers=world.worker.auth, json={"child_name": "Fern Fieldfare"})
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])
