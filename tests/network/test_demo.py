"""The network demo data loads on top of the demo hub and gives the network view and the
review queue something to show."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cairn.network import graph
from cairn.network.demo import load_demo
from cairn.network.models import CandidatePair, MatchModel
from cairn.pole.models import Vehicle

pytestmark = pytest.mark.django_db


def test_load_demo() -> None:
    call_command("demo_data", verbosity=0)
    load_demo()  # the demo command may already have loaded it: idempotent either way
    load_demo()
    analyst = get_user_model().objects.get(username="analyst.demo")
    car = Vehicle.objects.get(registration_key="ZM71DMO")
    owner = car.entity.links_in.get(link_type="owns_vehicle").from_entity_id
    network = graph.neighbourhood(analyst, owner, hops=3)
    analysis = graph.analyse(network)
    assert any(node.id == car.pk and count >= 3 for node, count in analysis.shared)
    pair = CandidatePair.objects.get()
    assert pair.status == "pending" and pair.match_probability > 0.9
    assert pair.model_version == "default" and not MatchModel.objects.exists()
