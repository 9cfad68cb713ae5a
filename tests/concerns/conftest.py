import pytest

from concerns import open311, services
from tests.factories import ConcernFactory, DepartmentFactory, UnitFactory


@pytest.fixture
def concern(officer):
    """A traffic concern the officer has just logged."""
    return ConcernFactory(reported_by=officer)


@pytest.fixture
def public_works(db):
    return DepartmentFactory(name="Public Works", response_days=10)


@pytest.fixture
def patrol(supervisor):
    return UnitFactory(name="Patrol", commander=supervisor)


@pytest.fixture
def forwarded(concern, officer, supervisor):
    services.escalate_concern(concern=concern, by=officer, note="Needs more than me.")
    return services.forward_concern(concern=concern, by=supervisor, note="For the CRO.")


@pytest.fixture
def api_key(cro):
    """An Open311 key itself, as the city's 311 system would hold it."""
    _, raw = open311.issue_key(by=cro, name="City 311 system")
    return raw
