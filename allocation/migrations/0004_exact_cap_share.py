"""The cap share as an exact fraction: 0.333 becomes one third (and 0.25 a quarter)."""

from django.core.validators import MinValueValidator
from django.db import migrations, models

from allocation.engine import exact_cap_share


def to_fraction(apps, schema_editor):
    Methodology = apps.get_model("allocation", "Methodology")
    for methodology in Methodology.objects.all():
        fraction = exact_cap_share(methodology.cap_share)
        methodology.cap_numerator = fraction.numerator
        methodology.cap_denominator = fraction.denominator
        methodology.save(update_fields=["cap_numerator", "cap_denominator"])


def to_decimal(apps, schema_editor):
    Methodology = apps.get_model("allocation", "Methodology")
    for methodology in Methodology.objects.all():
        methodology.cap_share = round(methodology.cap_numerator / methodology.cap_denominator, 3)
        methodology.save(update_fields=["cap_share"])


class Migration(migrations.Migration):
    dependencies = [("allocation", "0003_sweep_inputs")]

    operations = [
        migrations.AddField(
            model_name="methodology",
            name="cap_numerator",
            field=models.PositiveIntegerField(
                default=1,
                help_text="Het deel van de mutaties sociale huur dat urgente groepen ten hoogste krijgen, als breuk: teller gedeeld door noemer.",
                verbose_name="plafond: teller",
            ),
        ),
        migrations.AddField(
            model_name="methodology",
            name="cap_denominator",
            field=models.PositiveIntegerField(
                default=3, validators=[MinValueValidator(1)], verbose_name="plafond: noemer"
            ),
        ),
        migrations.RunPython(to_fraction, to_decimal),
        migrations.RemoveField(model_name="methodology", name="cap_share"),
        migrations.AddConstraint(
            model_name="methodology",
            constraint=models.CheckConstraint(
                condition=models.Q(cap_denominator__gte=1)
                & models.Q(cap_numerator__lte=models.F("cap_denominator")),
                name="cap_share_is_a_fraction_of_one",
            ),
        ),
    ]
