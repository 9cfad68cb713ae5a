import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Agency, User
from core.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@police.test")
    # Seven digits from 9000000: never one of the four-digit DSNs a test gives by hand, and
    # never found by a search for one, however many members the run has made before.
    dsn = factory.Sequence(lambda n: f"{9_000_000 + n}")
    rank = "Officer"
    unit = "Patrol"
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        # get_or_create: transactional (browser) tests flush the groups the migration made.
        self.groups.add(*(Group.objects.get_or_create(name=Role(r).value)[0] for r in extracted))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("id",)

    id = 1
    name = "Testville Police Department"
    address = "1 Test Plaza, Testville"
    phone = "(555) 010-0000"
    chief_name = "Alex Morgan"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "concerns.Department"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"City Department {n}")
    contact_name = "Pat Lee"
    response_days = 14


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "concerns.Unit"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Unit {n}")


class ConcernFactory(factory.django.DjangoModelFactory):
    """A concern as intake leaves it. Move it along with the services, not by hand."""

    class Meta:
        model = "concerns.Concern"

    reference = factory.Sequence(lambda n: f"CR-2099-{n:05d}")
    date_received = factory.LazyFunction(timezone.localdate)
    source_type = "citizen"
    source_name = "Jordan Resident"
    source_contact = "(555) 010-1234"
    category = "traffic"
    nature = "actual"
    area = "Elm Street"
    # Not the description's first sentence, so that a test can tell which one a page shows.
    summary = factory.Sequence(lambda n: f"Speeding at school pick-up time, report {n}")
    description = "Cars speed past the school at pick-up time."
    suggestions = "A speed trailer."
    reported_by = factory.SubFactory(UserFactory, roles=[Role.OFFICER])
    reporter_name = factory.LazyAttribute(
        lambda o: o.reported_by.display_name if o.reported_by else ""
    )
    reporter_dsn = factory.LazyAttribute(lambda o: o.reported_by.dsn if o.reported_by else "")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.CommunityOrganization"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Elm Street Watch {n}")
    kind = "neighborhood_watch"
    area = "Elm Street"
    contact_name = "Rita Chen"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.OutreachActivity"
        skip_postgeneration_save = True

    kind = "organization_meeting"
    date = factory.LazyFunction(timezone.localdate)
    title = factory.Sequence(lambda n: f"Watch meeting {n}")
    area = "Elm Street"
    attendance = 12
    staff_hours = 2
    logged_by = factory.SubFactory(UserFactory, roles=[Role.OFFICER])

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        if create:
            self.officers.set(extracted or [self.logged_by])


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Material"

    name = factory.Sequence(lambda n: f"Sticker {n}")
    source = "purchased"
    quantity = 100
    cost = 50
    created_by = factory.SubFactory(UserFactory, roles=[Role.CRO])
    design = factory.django.FileField(filename="design.png", data=b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    design_type = "image/png"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Program"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Program {n}")
    category = "meetings"
    objectives = "Bring residents and officers together."
    proposed_by = factory.SubFactory(UserFactory, roles=[Role.CRO])
