"""Load the GMR's older people's figures (estimates, with sources) and the region's defaults."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from municipalities.models import Municipality, Region
from projects import older_people, pipeline
from projects.models import CareNorm, OlderPeopleForecast, OlderPeopleStock, PhaseProbability

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
NORM_SOURCE = (
    "default: national goal 2030 / national growth of the 75+ 2020-2030 (1.4 to 2.0 million) "
    "x 1,000; " + older_people.NATIONAL_SOURCE + "; derivation in docs/older_people.md"
)


class Command(BaseCommand):
    help = "Load fixtures/older_people*.csv and the default norms and phase probabilities."

    @transaction.atomic
    def handle(self, *args, **options):
        by_code = {m.cbs_code: m for m in Municipality.objects.all()}
        with open(FIXTURES / "older_people.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                OlderPeopleForecast.objects.update_or_create(
                    municipality=by_code[row["cbs_code"]],
                    year=int(row["year"]),
                    defaults={
                        "population": int(row["population"]),
                        "aged_75_plus": int(row["aged_75_plus"]),
                        "aged_85_plus": int(row["aged_85_plus"]),
                        "source": row["source"],
                        "is_estimate": row["is_estimate"] == "True",
                    },
                )
        with open(FIXTURES / "older_people_stock.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                OlderPeopleStock.objects.update_or_create(
                    municipality=by_code[row["cbs_code"]],
                    year=int(row["year"]),
                    kind=row["kind"],
                    defaults={
                        "count": int(row["count"]),
                        "source": row["source"],
                        "is_estimate": row["is_estimate"] == "True",
                    },
                )
        for region in Region.objects.all():
            for kind, value in older_people.default_norms().items():
                CareNorm.objects.get_or_create(
                    region=region,
                    kind=kind,
                    defaults={"per_1000": value, "source": NORM_SOURCE, "is_estimate": True},
                )
            for phase, (p, estimate, source) in pipeline.DEFAULT_PHASE_PROBABILITIES.items():
                PhaseProbability.objects.get_or_create(
                    region=region,
                    phase=phase,
                    defaults={"probability": p, "source": source, "is_estimate": estimate},
                )
        self.stdout.write("Older people's figures, norms and phase probabilities loaded.")
