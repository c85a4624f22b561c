"""``GET /stats/deliveries`` and GraphQL ``deliveryStats``: a namespace's runs per hour, as the
delivery stage counted them in the table, never another namespace's."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from tests.api.conftest import bearer
from tests.conftest import NOW, Aws, Stage
from tests.target_setup import add_target


def test_the_hours_show_what_was_delivered_and_late_in_the_hour_it_happened(
    client: TestClient, stage: Stage, clock: object
) -> None:
    for offset in (0, 1):
        at = (NOW - timedelta(minutes=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")
        client.post("/schedules", json={"payload": f"p{offset}", "runAt": at})
    stage.deliver()

    hours = client.get("/stats/deliveries?hours=3").json()["hours"]
    through_graphql = client.post(
        "/graphql", json={"query": "{ deliveryStats(hours: 3) { hours { start delivered late } } }"}
    )

    assert [h["start"] for h in hours] == ["2027-01-04T10:00:00Z", "2027-01-04T11:00:00Z", "2027-01-04T12:00:00Z"]
    assert (hours[-1]["delivered"], hours[-1]["late"]) == (2, 1)  # the one a minute old was late
    assert through_graphql.json()["data"]["deliveryStats"]["hours"][-1] == {
        "start": "2027-01-04T12:00:00Z",
        "delivered": 2,
        "late": 1,
    }


def test_another_namespace_sees_none_of_them(
    aws: Aws, client: TestClient, container: ApiContainer, stage: Stage
) -> None:
    client.post("/schedules", json={"payload": "mine", "immediate": True})
    stage.deliver()
    other = container.keys.create("team-b", "tests").secret
    add_target(aws, container, "team-b", "main", default=True)

    theirs = client.get("/stats/deliveries?hours=1", headers=bearer(other)).json()["hours"]

    assert theirs == [
        {"start": "2027-01-04T12:00:00Z", "delivered": 0, "failed": 0, "missed": 0, "canceled": 0, "late": 0}
    ]


def test_hours_out_of_range_are_422_naming_hours(client: TestClient) -> None:
    response = client.get("/stats/deliveries?hours=500")

    assert response.status_code == 422 and "hours" in response.json()["message"]
