"""The annual report's figures for three duties (issue 24), each checked against plain SQL
over the tables on data built to hit the edges: the year's first and last days, the days
either side, a member at two sessions, an organization advised twice, a session naming no
organization, a meeting two command-staff members attended, a former command-staff member,
the Chief counted by role, and activities of other kinds.

- 000 §III.2: personnel briefed or educated on community relations (sessions, members).
- 000 §III.8: groups advised while forming.
- 004 §2.0 and 002 §300.4(g): community meetings attended by command staff, by member.
"""

import datetime as dt

import pytest
from django.db import connection

from core.roles import Role
from reports.builders import build
from reports.models import Report
from reports.pdf import report_html
from tests.factories import ActivityFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
NEW_KEYS = (
    "personnel_briefings",
    "personnel_briefed",
    "groups_advised",
    "group_advice_sessions",
    "command_staff_meetings",
    "command_staff_by_member",
)


def sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.fixture
def world(cro):
    w = {}
    a, b, c, d = (UserFactory(roles=[Role.OFFICER]) for _ in range(4))
    # Briefings: the year's first and last days, one either side of the year.
    ActivityFactory(kind="personnel_briefing", date=dt.date(2026, 1, 1), officers=[a, b, cro])
    ActivityFactory(kind="personnel_briefing", date=dt.date(2026, 12, 31), officers=[a, c])
    ActivityFactory(kind="personnel_briefing", date=dt.date(2025, 12, 31), officers=[d])
    ActivityFactory(kind="personnel_briefing", date=dt.date(2027, 1, 1), officers=[d])
    # Planned, not held: counted nowhere (002 §300.7).
    ActivityFactory(
        kind="personnel_briefing", status="scheduled", date=dt.date(2026, 11, 1), officers=[d]
    )
    # A training of another kind is not a briefing on community relations.
    ActivityFactory(kind="other", date=dt.date(2026, 6, 1), officers=[d])
    # Advice to groups forming: one organization twice, another once, one unnamed session,
    # one outside the year; an ordinary meeting with a third organization.
    forming = OrganizationFactory(name="Birch Lane Watch (forming)")
    tenants = OrganizationFactory(name="Sunset Tenants (forming)")
    other = OrganizationFactory(name="Elm Street Watch")
    for day, org in (
        (dt.date(2026, 1, 1), forming),
        (dt.date(2026, 3, 9), forming),
        (dt.date(2026, 12, 31), tenants),
        (dt.date(2026, 7, 7), None),
        (dt.date(2027, 1, 1), other),
    ):
        ActivityFactory(kind="group_formation_advice", date=day, organization=org)
    ActivityFactory(kind="group_formation_advice", status="scheduled", date=dt.date(2026, 11, 2))
    ActivityFactory(kind="organization_meeting", date=dt.date(2026, 5, 5), organization=other)
    # Command staff: the Chief by role (no box ticked), a captain by the box, a former
    # lieutenant who attended, a former one who did not, and an officer who is not staff.
    w["chief"] = UserFactory(username="c-chief", rank="Chief", roles=[Role.CHIEF])
    w["captain"] = UserFactory(username="c-captain", rank="Capt.", is_command_staff=True)
    w["former"] = UserFactory(
        username="c-former", rank="Lt.", is_command_staff=True, is_active=False
    )
    UserFactory(username="c-gone", rank="Lt.", is_command_staff=True, is_active=False)
    chief, captain, former = w["chief"], w["captain"], w["former"]
    for day, kind, people in (
        (dt.date(2026, 1, 1), "coffee_with_chief", [chief]),
        (dt.date(2026, 12, 31), "forum", [chief, captain]),  # two of them: one meeting
        (dt.date(2026, 4, 2), "council_meeting", [captain, a]),
        (dt.date(2026, 4, 3), "advisory_meeting", [former]),
        (dt.date(2026, 8, 8), "organization_meeting", [a]),  # no command staff
        (dt.date(2026, 9, 9), "foot_patrol", [chief]),  # not a meeting
        (dt.date(2026, 10, 1), "personnel_briefing", [captain]),  # internal, not a meeting
        (dt.date(2025, 12, 31), "coffee_with_chief", [chief]),  # the year before
        (dt.date(2027, 1, 1), "forum", [chief]),  # the year after
    ):
        ActivityFactory(kind=kind, date=day, officers=people)
    # A meeting planned for the Chief but not yet held is not attended.
    ActivityFactory(
        kind="coffee_with_chief", status="scheduled", date=dt.date(2026, 12, 30), officers=[chief]
    )
    return w


def test_personnel_briefed_equals_the_sql_000_III_2(world):
    data = build("annual", *Y2026)
    [(sessions, members)] = sql(
        """SELECT COUNT(DISTINCT a.id), COUNT(DISTINCT o.user_id)
             FROM outreach_outreachactivity a
             LEFT JOIN outreach_outreachactivity_officers o ON o.outreachactivity_id = a.id
            WHERE a.kind = 'personnel_briefing' AND a.status = 'held'
              AND a.date BETWEEN %s AND %s""",
        Y2026,
    )
    assert (data["personnel_briefings"], data["personnel_briefed"]) == (sessions, members)
    # The year's first and last days and the captain's in October; a (twice), b, the CRO,
    # c and the captain.
    assert (sessions, members) == (3, 5)


def test_groups_advised_equals_the_sql_000_III_8(world):
    data = build("annual", *Y2026)
    [(groups, sessions)] = sql(
        """SELECT COUNT(DISTINCT organization_id)
                  + COUNT(*) FILTER (WHERE organization_id IS NULL), COUNT(*)
             FROM outreach_outreachactivity
            WHERE kind = 'group_formation_advice' AND status = 'held'
              AND date BETWEEN %s AND %s""",
        Y2026,
    )
    assert (data["groups_advised"], data["group_advice_sessions"]) == (groups, sessions)
    # Birch Lane once for two sessions, Sunset on the year's last day, one unnamed.
    assert (groups, sessions) == (3, 4)


# The command staff and the community-meeting kinds, written out here rather than taken
# from the code under test.
STAFF_MEETINGS = """
WITH staff AS (
    SELECT u.id, u.is_active FROM accounts_user u
     WHERE u.is_command_staff
        OR EXISTS (SELECT 1 FROM accounts_user_groups ug
                     JOIN auth_group g ON g.id = ug.group_id
                    WHERE ug.user_id = u.id AND g.name = 'Chief')
), meetings AS (
    SELECT a.id, a.date FROM outreach_outreachactivity a
     WHERE a.date BETWEEN %(first)s AND %(last)s AND a.status = 'held'
       AND a.kind IN ('organization_meeting', 'forum', 'coffee_with_chief', 'open_house',
                      'council_meeting', 'advisory_meeting', 'civic_religious',
                      'group_formation_advice')
), attended AS (
    SELECT o.user_id, m.id, m.date FROM outreach_outreachactivity_officers o
      JOIN meetings m ON m.id = o.outreachactivity_id
      JOIN staff s ON s.id = o.user_id
)
"""
# Constants joined, no input in them.
TOTAL = STAFF_MEETINGS + "SELECT COUNT(DISTINCT id) FROM attended"  # noqa: S608
BY_MEMBER = (
    STAFF_MEETINGS  # noqa: S608
    + """SELECT s.id, COUNT(DISTINCT t.id), MAX(t.date) FROM staff s
           LEFT JOIN attended t ON t.user_id = s.id
          GROUP BY s.id, s.is_active
         HAVING s.is_active OR COUNT(t.id) > 0"""
)
PERIOD = {"first": Y2026[0], "last": Y2026[1]}


def test_command_staff_meetings_equal_the_sql_004_2_0(world):
    data = build("annual", *Y2026)
    [(meetings,)] = sql(TOTAL, PERIOD)
    assert data["command_staff_meetings"] == meetings == 4
    by_member = sql(BY_MEMBER, PERIOD)
    names = {w.pk: w.display_name for w in (world["chief"], world["captain"], world["former"])}
    expected = {names[pk]: (n, last.isoformat() if last else None) for pk, n, last in by_member}
    got = {m["member"]: (m["meetings"], m["last"]) for m in data["command_staff_by_member"]}
    assert got == expected
    assert got == {
        "Chief " + world["chief"].get_full_name(): (2, "2026-12-31"),
        "Capt. " + world["captain"].get_full_name(): (2, "2026-12-31"),
        "Lt. " + world["former"].get_full_name(): (1, "2026-04-03"),
    }


def test_new_kinds_fall_in_other_kinds_and_the_table_still_adds_up(world):
    data = build("annual", *Y2026)
    assert len(data["csr"]) == 9
    assert data["csr_total"] + data["other_activities"] == data["activities"]
    [(outside_nine,)] = sql(
        """SELECT COUNT(*) FROM outreach_outreachactivity
            WHERE date BETWEEN %s AND %s AND status = 'held' AND kind IN ('personnel_briefing',
                  'group_formation_advice', 'coffee_with_chief', 'forum', 'council_meeting',
                  'advisory_meeting', 'foot_patrol', 'other')""",
        Y2026,
    )
    assert data["other_activities"] == outside_nine


def test_annual_figures_take_a_fixed_number_of_queries(world, django_assert_max_num_queries, cro):
    with django_assert_max_num_queries(40) as few:
        build("annual", *Y2026)
    for n in range(10):
        ActivityFactory(kind="forum", date=dt.date(2026, 2, 1 + n), officers=[world["chief"], cro])
        ActivityFactory(kind="personnel_briefing", date=dt.date(2026, 3, 1 + n))
        UserFactory(is_command_staff=True)
    with django_assert_max_num_queries(len(few)):
        build("annual", *Y2026)


def _report(cro, data):
    return Report.objects.create(
        kind="annual",
        period_start=Y2026[0],
        period_end=Y2026[1],
        created_by=cro,
        status=Report.Status.SUBMITTED,
        data=data,
    )


def test_report_frozen_before_keeps_its_figures(world, cro, client_for):
    data = build("annual", *Y2026)
    old = {k: v for k, v in data.items() if k not in NEW_KEYS}
    report = _report(cro, old)
    html = report_html(report)
    assert "Outreach: " in html
    for absent in ("Personnel briefed", "Groups advised", "attended by command staff"):
        assert absent not in html
    page = client_for(cro).get(report.get_absolute_url())
    assert page.status_code == 200
    assert "attended by command staff" not in page.text


def test_report_shows_the_new_figures_in_page_and_pdf(world, cro, client_for):
    report = _report(cro, build("annual", *Y2026))
    for html in (report_html(report), client_for(cro).get(report.get_absolute_url()).text):
        assert "Personnel briefed or educated on community relations: 5" in html
        assert "In 3 sessions." in html
        assert "Groups advised while forming: 3" in html
        assert "Community meetings attended by command staff: 4" in html
        assert world["captain"].display_name in html
