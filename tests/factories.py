"""factory-boy factories for the reference data and users."""

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from gmr_thuis.models import Membership
from municipalities import models as m


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Region
        django_get_or_create = ("slug",)

    name = "Groene Metropoolregio Arnhem-Nijmegen"
    slug = "gmr"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Municipality
        django_get_or_create = ("cbs_code",)

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Gemeente {n}")
    # GM9000–GM9999 are not real municipalities; the counter wraps so codes stay six characters.
    cbs_code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MunicipalityFigure

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2024
    indicator = m.Indicator.INHABITANTS
    value = 10000
    source = "test"


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TargetGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group-{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Groep {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Group {o.code}")
    definition_nl = "Definitie"
    definition_en = "Definition"


class CorporationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.HousingCorporation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Corporatie {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "geheim-wachtwoord-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(*, role, username, region=None, municipality=None, corporation=None):
    """A user with a membership in the given role and organisation."""
    user = UserFactory(username=username)
    region = region or (municipality.region if municipality else RegionFactory())
    Membership.objects.create(
        user=user, role=role, region=region, municipality=municipality, corporation=corporation
    )
    return user
