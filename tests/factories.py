import factory
from django.contrib.auth.models import Group

from accounts.models import Agency, User
from accounts.roles import Role

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
    dsn = factory.Sequence(lambda n: f"{5000 + n}")
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
    date_received = factory.LazyFunction(lambda: __import__("datetime").date.today())
    source_type = "citizen"
    source_name = "Jordan Resident"
    source_contact = "(555) 010-1234"
    category = "traffic"
    nature = "actual"
    area = "Elm Street"
    description = "Cars speed past the school at pick-up time."
    suggestions = "A speed trailer."
    reported_by = factory.SubFactory(UserFactory, roles=[Role.OFFICER])
    reporter_name = factory.LazyAttribute(
        lambda o: o.reported_by.display_name if o.reported_by else ""
    )
    reporter_dsn = factory.LazyAttribute(lambda o: o.reported_by.dsn if o.reported_by else "")
