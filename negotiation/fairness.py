"""Fairness of a negotiated table beside the fair share (pure Python, no Django).

Inputs per municipality: the fair share and the negotiated number (summed over the groups and
years looked at), its inhabitants and its social-rent dwellings.

- deviation = negotiated − fair share; total = the sum of absolute deviations / 2 (the number of
  households moved), largest = the municipality whose |deviation| is largest;
- deviation per 1,000 inhabitants and per 100 social-rent dwellings;
- burden = negotiated households per 1,000 inhabitants; its spread is the Lorenz curve of the
  households over the inhabitants (municipalities ordered by burden) and its Gini coefficient
  (0: every inhabitant carries the same, towards 1: a few carry everything).
"""

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Row:
    municipality: object
    fair_share: int
    negotiated: int
    inhabitants: float
    social_rent: float

    @property
    def deviation(self):
        return self.negotiated - self.fair_share

    @property
    def deviation_per_1000_inhabitants(self):
        return 1000 * self.deviation / self.inhabitants if self.inhabitants else None

    @property
    def deviation_per_100_social_rent(self):
        return 100 * self.deviation / self.social_rent if self.social_rent else None

    @property
    def burden(self):
        return 1000 * self.negotiated / self.inhabitants if self.inhabitants else None

    @property
    def fair_burden(self):
        return 1000 * self.fair_share / self.inhabitants if self.inhabitants else None


@dataclass(frozen=True)
class Summary:
    rows: list
    total_deviation: float  # households moved away from the fair share
    largest: Row | None
    lorenz: list  # [(population share, households share)], from (0, 0) to (1, 1)
    gini: float
    fair_lorenz: list
    fair_gini: float


def lorenz(values, weights):
    """Points of the Lorenz curve of `values` over `weights`, ordered by value per weight."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if w > 0]
    total_v = sum(v for v, _w in pairs)
    total_w = sum(w for _v, w in pairs)
    points = [(0.0, 0.0)]
    if not pairs or total_w == 0:
        return points
    x = y = 0.0
    for v, w in sorted(pairs, key=lambda p: p[0] / p[1]):
        x += w / total_w
        y += v / total_v if total_v else w / total_w
        points.append((x, y))
    return points


def gini(points):
    """The Gini coefficient from Lorenz points: 1 − Σ (x_k − x_{k−1})(y_k + y_{k−1})."""
    area = sum((x1 - x0) * (y1 + y0) for (x0, y0), (x1, y1) in pairwise(points))
    return max(0.0, 1.0 - area)


def summarise(rows):
    rows = list(rows)
    total = sum(abs(r.deviation) for r in rows) / 2
    largest = min(rows, key=lambda r: (-abs(r.deviation), str(r.municipality)), default=None)
    if largest is not None and largest.deviation == 0:
        largest = None
    weights = [r.inhabitants for r in rows]
    curve = lorenz([r.negotiated for r in rows], weights)
    fair_curve = lorenz([r.fair_share for r in rows], weights)
    return Summary(
        rows=rows,
        total_deviation=total,
        largest=largest,
        lorenz=curve,
        gini=gini(curve),
        fair_lorenz=fair_curve,
        fair_gini=gini(fair_curve),
    )
