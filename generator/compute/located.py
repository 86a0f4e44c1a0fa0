"""compute() of a loaded plan file, with every problem located at its file, line and column."""

from __future__ import annotations

from generator.compute.figures import PlanFigures, compute
from generator.errors import PlanError
from generator.model.loader import LoadedPlan


def compute_loaded(loaded: LoadedPlan) -> PlanFigures:
    """compute() with every problem located at its file, line and column."""
    try:
        return compute(loaded.plan)
    except PlanError as exc:
        raise PlanError([loaded.problem(p.message, p.path) for p in exc.problems]) from None
