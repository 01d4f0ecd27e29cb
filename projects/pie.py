"""Making the pie bigger ("taart vergroten"): how much the project pipeline raises each
municipality's room for the priority groups under the cap, year by year, and whether the
region's shortfall closes. Read from the scenario's inputs as a run would take them."""

from dataclasses import dataclass, field

from allocation.engine import room_under_cap
from allocation.selectors import NEW_CONSTRUCTION_KEY, scenario_inputs, settings_cap_share
from gmr_thuis.permissions import VIEW
from municipalities.models import Indicator, Municipality

TURNOVER = Indicator.TURNOVER.value
STATIC_ROOM = Indicator.NEW_CONSTRUCTION.value


@dataclass
class MunicipalityRoom:
    municipality: Municipality
    static: float  # room under the cap plus the static new-construction figure
    with_pipeline: float  # the same with the projects' expected deliveries

    @property
    def raised_by(self):
        return self.with_pipeline - self.static


@dataclass
class YearRoom:
    year: int
    task: int  # the capped groups' regional task
    static: float = 0.0
    with_pipeline: float = 0.0
    municipalities: list = field(default_factory=list)  # the ones the user may read

    @property
    def shortfall_static(self):
        return max(self.task - self.static, 0)

    @property
    def shortfall_with_pipeline(self):
        return max(self.task - self.with_pipeline, 0)

    @property
    def closes(self) -> bool:
        return self.shortfall_static > 0 and self.shortfall_with_pipeline == 0


def _room(row, cap, new_construction):
    return room_under_cap(row.get(TURNOVER, 0), cap) + float(new_construction or 0)


def pie_growth(*, user, scenario) -> list[YearRoom]:
    """Per year of the scenario the region's room without and with the pipeline, against the
    capped groups' task; per municipality (those `user` may read) what the pipeline adds."""
    inputs = scenario_inputs(scenario=scenario)
    cap = settings_cap_share(inputs["methodology"])
    capped = [g for g, rule in inputs["methodology"]["rules"].items() if rule["capped"]]
    by_code = {m.cbs_code: m for m in Municipality.objects.restrict(user, VIEW)}
    provided = inputs.get(NEW_CONSTRUCTION_KEY) or {}
    years = []
    for year in scenario.years:
        tasks = inputs["tasks"].get(str(year), {})
        room = YearRoom(year=year, task=sum(int(tasks.get(g, 0)) for g in capped))
        for code, row in sorted(inputs["indicators"].items()):
            static_figure = row.get(STATIC_ROOM, 0)
            static = _room(row, cap, static_figure)
            with_pipeline = _room(row, cap, provided.get(str(year), {}).get(code, static_figure))
            room.static += static
            room.with_pipeline += with_pipeline
            if code in by_code:
                room.municipalities.append(MunicipalityRoom(by_code[code], static, with_pipeline))
        years.append(room)
    return years
