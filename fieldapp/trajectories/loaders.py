"""The records of a trajectory that routes load from their URL, with the file they belong to."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.clients.file_access import Loaded, Loader
from fieldapp.common.tenancy import get_or_404
from fieldapp.trajectories.models import Evaluation, Trajectory


def _trajectory(user: User, ident: int) -> Loaded:
    trajectory = get_or_404(Trajectory, ident)
    return Loaded({"trajectory": trajectory}, trajectory.client_id)


def _evaluation(user: User, ident: int) -> Loaded:
    evaluation = get_or_404(Evaluation, ident)
    trajectory = get_or_404(Trajectory, evaluation.trajectory_id)
    return Loaded({"evaluation": evaluation, "trajectory": trajectory}, trajectory.client_id)


TRAJECTORY = Loader("trajectory_id", _trajectory)
EVALUATION = Loader("evaluation_id", _evaluation)
