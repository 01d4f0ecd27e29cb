"""Read queries of projects: lists scoped to the user, the pipeline per year, delays, and the
expected new construction that feeds the fair-share engine's room."""

import pandas as pd
from django.db.models import Count

from gmr_thuis.permissions import SYSTEM, VIEW
from projects import older_people, pipeline
from projects.models import ExpectedYearChange, PhaseProbability, Project


def project_list(*, user, municipality=None):
    projects = Project.objects.restrict(user, VIEW).select_related("municipality", "corporation")
    return projects.filter(municipality=municipality) if municipality is not None else projects


def phase_probabilities(region) -> dict:
    """{phase: (probability, is_estimate, source)}: the region's own, else the defaults."""
    values = dict(pipeline.DEFAULT_PHASE_PROBABILITIES)
    for row in PhaseProbability.objects.filter(region=region):
        values[row.phase] = (float(row.probability), row.is_estimate, row.source)
    return values


def projects_frame(*, user, region) -> pd.DataFrame:
    """One row per project the user may see in the region, with its first expected year."""
    projects = project_list(user=user).filter(municipality__region=region)
    first = {}
    for project_id, year in (
        ExpectedYearChange.objects.filter(project__in=projects, previous_year__isnull=True)
        .order_by("changed_at")
        .values_list("project_id", "new_year")
    ):
        first.setdefault(project_id, year)
    rows = [
        {
            "project_id": p.pk,
            "municipality_id": p.municipality_id,
            "phase": p.phase,
            "expected_year": p.expected_year,
            "first_expected_year": first.get(p.pk, p.expected_year),
            "delivered_year": p.delivered_date.year if p.delivered_date else p.expected_year,
            "homes": p.total_homes,
            "social_rent": p.homes_social_rent,
            "zero_step": p.homes_zero_step,
            "clustered": p.homes_clustered,
            "nursing_care": p.nursing_care_places,
        }
        for p in projects
    ]
    return pd.DataFrame(
        rows,
        columns=[
            *pipeline.PROJECT_COLUMNS,
            "social_rent",
            "zero_step",
            "clustered",
            "nursing_care",
        ],
    )


def supply_by_year(*, user, region, value="homes") -> pd.DataFrame:
    """Planned, expected (phase-weighted) and delivered per municipality and year."""
    weights = {phase: p for phase, (p, _e, _s) in phase_probabilities(region).items()}
    return pipeline.expected_deliveries(projects_frame(user=user, region=region), weights, value)


def delays(*, user, region) -> pd.DataFrame:
    """Projects whose expected year moved later, with how often it moved."""
    projects = project_list(user=user).filter(municipality__region=region)
    changes = (
        ExpectedYearChange.objects.filter(project__in=projects, previous_year__isnull=False)
        .values("project_id")
        .annotate(n=Count("pk"))
    )
    counts = {c["project_id"]: c["n"] for c in changes}
    rows = []
    for project in projects.filter(pk__in=counts):
        first = project.year_changes.order_by("changed_at", "pk").first()
        slip = project.expected_year - (first.new_year if first else project.expected_year)
        if slip > 0:
            rows.append(
                {
                    "project": project,
                    "first_year": first.new_year,
                    "expected_year": project.expected_year,
                    "slip": slip,
                    "changes": counts[project.pk],
                }
            )
    return rows


def expected_new_construction(region, years) -> pd.DataFrame:
    """The room for new construction from the pipeline, for the fair-share engine.

    Per municipality with projects in the pipeline and per year: the social-rent homes expected
    in that year, weighted by phase (delivered projects fully, in their delivery year). A
    municipality without projects is absent: the engine keeps its static figure there.
    Columns: municipality_id, year, value, source, is_estimate.
    """
    columns = ["municipality_id", "year", "value", "source", "is_estimate"]
    frame = projects_frame(user=SYSTEM, region=region)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    probabilities = phase_probabilities(region)
    weights = {phase: p for phase, (p, _e, _s) in probabilities.items()}
    supply = pipeline.expected_deliveries(frame, weights, value="social_rent")
    counts = frame.groupby("municipality_id").size()
    estimate_phases = frame[frame["phase"] != "delivered"].groupby("municipality_id").size()
    rows = []
    for municipality_id in sorted(counts.index):
        own = supply[supply["municipality_id"] == municipality_id].set_index("year")
        for year in years:
            value = float(own["expected"].get(year, 0.0))
            rows.append(
                {
                    "municipality_id": int(municipality_id),
                    "year": int(year),
                    "value": round(value, 3),
                    "source": (
                        f"projectenpijplijn: verwachte sociale huur in {year} uit "
                        f"{int(counts[municipality_id])} project(en), gewogen naar fase "
                        "("
                        + ", ".join(
                            f"{phase} {p:g}" for phase, (p, _e, _s) in probabilities.items()
                        )
                        + ")"
                    ),
                    "is_estimate": bool(estimate_phases.get(municipality_id, 0)),
                }
            )
    return pd.DataFrame(rows, columns=columns)


# ---- the older people's task ------------------------------------------------------------------

OLDER_YEARS = list(range(2024, 2041))


def care_norms(region) -> dict:
    """{kind: (per 1,000 75+, is_estimate, source)}: the region's, else the defaults."""
    from projects.models import CareNorm

    values = {
        kind: (value, True, "standaard, zie docs/older_people.md")
        for kind, value in older_people.default_norms().items()
    }
    for norm in CareNorm.objects.filter(region=region):
        values[norm.kind] = (float(norm.per_1000), norm.is_estimate, norm.source)
    return values


def older_people_task(*, user, region, years=None) -> pd.DataFrame:
    """Per municipality, year and kind: 75+, 85+, need, stock, pipeline (cumulative expected
    deliveries from the first forecast year on), gap; with whether the figures are estimates."""
    from municipalities.models import Municipality
    from projects.models import OlderPeopleForecast, OlderPeopleStock

    years = list(years or OLDER_YEARS)
    municipalities = {
        m.pk: m for m in Municipality.objects.restrict(user, VIEW).filter(region=region)
    }
    forecasts = OlderPeopleForecast.objects.filter(municipality_id__in=municipalities)
    raw = pd.DataFrame(
        list(
            forecasts.values(
                "municipality_id",
                "year",
                "population",
                "aged_75_plus",
                "aged_85_plus",
                "is_estimate",
            )
        )
    )
    if raw.empty:
        return pd.DataFrame()
    estimate = raw.groupby("municipality_id")["is_estimate"].any()
    forecast = older_people.interpolate_years(raw, years)
    norms = care_norms(region)
    need = older_people.need(forecast, {k: v[0] for k, v in norms.items()})
    stock_rows = OlderPeopleStock.objects.filter(municipality_id__in=municipalities)
    stock, stock_estimate = {}, {}
    for row in stock_rows.order_by("year"):
        stock[(row.municipality_id, row.kind)] = row.count
        stock_estimate[(row.municipality_id, row.kind)] = row.is_estimate
    frame = projects_frame(user=user, region=region)
    first_year = int(raw["year"].min())
    weights = {phase: p for phase, (p, _e, _s) in phase_probabilities(region).items()}
    parts = []
    for kind in older_people.KINDS:
        part = pipeline.expected_deliveries(frame, weights, value=kind)
        part["kind"] = kind
        parts.append(part[part["year"] >= first_year] if not part.empty else part)
    deliveries = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if deliveries.empty:
        deliveries = pd.DataFrame(columns=["municipality_id", "year", "kind", "expected"])
    result = older_people.gap(need, stock, deliveries)
    result = result.merge(forecast[["municipality_id", "year", "aged_85_plus"]], how="left")
    result["municipality"] = result["municipality_id"].map(lambda pk: municipalities[pk].name)
    result["slug"] = result["municipality_id"].map(lambda pk: municipalities[pk].slug)
    result["cbs_code"] = result["municipality_id"].map(lambda pk: municipalities[pk].cbs_code)
    result["is_estimate"] = [
        bool(estimate.get(m, True)) or bool(stock_estimate.get((m, k), True)) or norms[k][1]
        for m, k in zip(result["municipality_id"], result["kind"], strict=True)
    ]
    return result


def regional_goal(*, user, region) -> dict | None:
    """The national goal translated to the region, beside the norm-based additional need."""
    task = older_people_task(user=user, region=region)
    if task.empty:
        return None
    first = int(task["year"].min())
    per_year = task[task["kind"] == "zero_step"].groupby("year")["aged_75_plus"].sum()
    translation = older_people.regional_translation(
        {first: per_year[first], older_people.GOAL_YEAR: per_year[older_people.GOAL_YEAR]},
        start_year=first,
    )
    in_2030 = (
        task[task["year"] == older_people.GOAL_YEAR]
        .groupby("kind")[["need", "stock", "pipeline", "gap"]]
        .sum()
    )
    rows = [
        {
            "kind": kind,
            "translated": translation[kind],
            "norm_need": float(in_2030.at[kind, "need"] - in_2030.at[kind, "stock"]),
            "pipeline": float(in_2030.at[kind, "pipeline"]),
            "gap": float(in_2030.at[kind, "gap"]),
        }
        for kind in older_people.KINDS
    ]
    return {"share": translation["share"], "start_year": first, "rows": rows}


# ---- taart vergroten: the pipeline's room under the cap -----------------------------------------


def room_under_cap(*, user, region) -> dict | None:
    """Per municipality and year of the default scenario: the room under the cap (cap share ×
    social-rent turnover) plus new construction, with the static figure and with the pipeline;
    and for the region whether the capped groups' task fits (the shortfall closes)."""
    from allocation.models import Scenario
    from allocation.selectors import methodology_settings
    from allocation.services import DEFAULT_SCENARIO_SLUG
    from municipalities.models import Indicator, Municipality, MunicipalityFigure, RegionalTask

    scenario = Scenario.objects.restrict(user, VIEW).filter(slug=DEFAULT_SCENARIO_SLUG).first()
    if scenario is None:
        return None
    settings = methodology_settings(scenario.methodology)
    capped = [code for code, rule in settings["rules"].items() if rule["capped"]]
    years = list(scenario.years)
    municipalities = list(Municipality.objects.restrict(user, VIEW).filter(region=region))
    figures = {
        (f.municipality_id, f.indicator): float(f.value)
        for f in MunicipalityFigure.objects.filter(
            municipality__in=municipalities,
            year=scenario.data_year,
            indicator__in=[Indicator.TURNOVER, Indicator.NEW_CONSTRUCTION],
        )
    }
    pipeline_room = expected_new_construction(region, years)
    piped = {(r.municipality_id, r.year): r.value for r in pipeline_room.itertuples()}
    rows = []
    for municipality in municipalities:
        turnover = figures.get((municipality.pk, Indicator.TURNOVER), 0.0)
        static = figures.get((municipality.pk, Indicator.NEW_CONSTRUCTION), 0.0)
        for year in years:
            pipe = piped.get((municipality.pk, year))
            cap = settings["cap_share"] * turnover
            rows.append(
                {
                    "municipality_id": municipality.pk,
                    "municipality": municipality.name,
                    "year": year,
                    "cap_room": cap,
                    "static": static,
                    "pipeline": pipe,
                    "room_static": cap + static,
                    "room_pipeline": cap + (pipe if pipe is not None else static),
                    "raise": (pipe - static) if pipe is not None else 0.0,
                }
            )
    frame = pd.DataFrame(rows)
    tasks = RegionalTask.objects.filter(
        region=region, year__in=years, target_group__code__in=capped
    ).values_list("year", "amount")
    task_by_year = {}
    for year, amount in tasks:
        task_by_year[year] = task_by_year.get(year, 0) + amount
    region_rows = []
    for year in years:
        own = frame[frame["year"] == year]
        task = task_by_year.get(year, 0)
        static_total, pipeline_total = own["room_static"].sum(), own["room_pipeline"].sum()
        region_rows.append(
            {
                "year": year,
                "task": task,
                "room_static": static_total,
                "room_pipeline": pipeline_total,
                "shortfall_static": max(task - static_total, 0.0),
                "shortfall_pipeline": max(task - pipeline_total, 0.0),
            }
        )
    return {
        "scenario": scenario,
        "cap_share": settings["cap_share"],
        "municipalities": frame,
        "region": pd.DataFrame(region_rows),
        "years": years,
    }


def room_for_scenario(scenario) -> dict:
    """`expected_new_construction` in the shape the run's inputs store:
    {year: {cbs_code: {value, source, is_estimate}}}."""
    room = expected_new_construction(scenario.region, scenario.years)
    if room.empty:
        return {}
    codes = dict(scenario.region.municipalities.values_list("pk", "cbs_code"))
    return {
        str(year): {
            codes[row.municipality_id]: {
                "value": row.value,
                "source": row.source,
                "is_estimate": bool(row.is_estimate),
            }
            for row in rows.itertuples()
        }
        for year, rows in room.groupby("year")
    }
