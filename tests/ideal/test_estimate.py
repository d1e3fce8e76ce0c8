"""The estimator on data simulated from its own model: it must find the ideal points it was given."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from app.ideal.data import Item, prepare, session_year
from app.ideal.estimate import fit
from app.ideal.model import Fit, Prior, Start, Votes, probabilities
from app.models import SessionKind


def simulate(
    states: int = 40, years: int = 15, per_year: int = 25, seed: int = 1, bridged: float = 0.3
) -> tuple[Votes, np.ndarray, np.ndarray]:
    """Votes drawn from the model: a random walk of ideal points, votes with their own parameters, a
    share of them repeating an earlier year's vote (a bridge), and 10 % of the votes missing."""
    rng = np.random.default_rng(seed)
    prior = Prior()
    theta = np.zeros((states, years))
    theta[:, 0] = rng.normal(0, 1, states)
    for t in range(1, years):
        theta[:, t] = theta[:, t - 1] + rng.normal(0, np.sqrt(prior.drift_variance), states)
    groups: list[int] = []
    items: list[tuple[int, int]] = []
    for t in range(years):
        for _ in range(per_year):
            if t > 0 and rng.random() < bridged:
                items.append((int(rng.choice(groups)), t))
            else:
                groups.append(len(groups))
                items.append((groups[-1], t))
    beta = rng.normal(0, 1.5, len(groups))
    cut_no = rng.normal(-0.8, 1, len(groups))
    cut_yes = cut_no + rng.uniform(0.2, 1.0, len(groups))
    node, item, choice = [], [], []
    for g, t in items:
        latent = beta[g] * theta[:, t] + rng.normal(size=states)
        votes = np.where(latent < cut_no[g], 0, np.where(latent < cut_yes[g], 1, 2))
        for s in np.flatnonzero(rng.random(states) > 0.1):
            node.append(s * years + t)
            item.append(g)
            choice.append(votes[s])
    return (
        Votes(
            node=np.array(node),
            item=np.array(item),
            choice=np.array(choice, dtype=np.int8),
            node_state=np.repeat(np.arange(states), years),
            node_year=np.tile(np.arange(years), states),
            n_items=len(groups),
        ),
        theta.reshape(-1),
        beta,
    )


def aligned(result: Fit, truth: np.ndarray) -> np.ndarray:
    """The estimates on the truth's scale: the model fixes its scale by the prior, the simulation drew
    its own, so they are compared after the best affine map (the same for every state and year)."""
    design = np.vstack([result.theta, np.ones_like(result.theta)]).T
    coef, *_ = np.linalg.lstsq(design, truth, rcond=None)
    return np.asarray(design @ coef)


@pytest.fixture(scope="module")
def simulated() -> tuple[Votes, np.ndarray, np.ndarray, Fit]:
    votes, theta, beta = simulate()
    return votes, theta, beta, fit(votes, positive_state=0)


class TestRecovery:
    def test_converges(self, simulated: tuple[Votes, np.ndarray, np.ndarray, Fit]) -> None:
        *_, result = simulated
        assert result.converged
        assert result.iterations < 200

    def test_finds_the_ideal_points_it_was_given(
        self, simulated: tuple[Votes, np.ndarray, np.ndarray, Fit]
    ) -> None:
        _, theta, _, result = simulated
        assert np.corrcoef(theta, result.theta)[0, 1] > 0.97
        error = aligned(result, theta) - theta
        assert np.sqrt(np.mean(error**2)) < 0.35 * theta.std()

    def test_follows_each_state_through_time(
        self, simulated: tuple[Votes, np.ndarray, np.ndarray, Fit]
    ) -> None:
        _, theta, _, result = simulated
        paths, truth = result.theta.reshape(40, 15), theta.reshape(40, 15)
        moved = [np.corrcoef(paths[s], truth[s])[0, 1] for s in range(40) if truth[s].std() > 0.4]
        assert np.median(moved) > 0.8

    def test_intervals_cover_the_truth(self, simulated: tuple[Votes, np.ndarray, np.ndarray, Fit]) -> None:
        _, theta, _, result = simulated
        design = np.vstack([result.theta, np.ones_like(result.theta)]).T
        slope = np.linalg.lstsq(design, theta, rcond=None)[0][0]
        inside = np.abs(aligned(result, theta) - theta) < 1.96 * result.se * slope
        assert 0.85 < inside.mean() <= 1.0

    def test_finds_the_discriminations(self, simulated: tuple[Votes, np.ndarray, np.ndarray, Fit]) -> None:
        _, _, beta, result = simulated
        assert np.corrcoef(beta, result.beta)[0, 1] > 0.9

    def test_cut_points_stay_ordered(self, simulated: tuple[Votes, np.ndarray, np.ndarray, Fit]) -> None:
        *_, result = simulated
        assert (result.cut_yes > result.cut_no).all()


class TestIdentification:
    def test_the_positive_state_is_on_the_positive_side(self) -> None:
        votes, theta, _ = simulate(seed=2)
        lowest = int(np.argmin(theta.reshape(40, 15).mean(axis=1)))
        result = fit(votes, positive_state=lowest)
        assert result.theta.reshape(40, 15)[lowest].mean() > 0
        assert np.corrcoef(theta, result.theta)[0, 1] < -0.95  # the truth's lowest is now the highest


class TestWarmStart:
    def test_a_new_vote_moves_little_and_quickly(
        self, simulated: tuple[Votes, np.ndarray, np.ndarray, Fit]
    ) -> None:
        votes, _, _, result = simulated
        # One more vote in the last year, splitting the states at 0, as a new recorded vote does.
        last = np.flatnonzero(votes.node_year == votes.node_year.max())
        new_choice = np.where(result.theta[last] > 0, 2, 0).astype(np.int8)
        more = Votes(
            node=np.concatenate([votes.node, last]),
            item=np.concatenate([votes.item, np.full(len(last), votes.n_items)]),
            choice=np.concatenate([votes.choice, new_choice]),
            node_state=votes.node_state,
            node_year=votes.node_year,
            n_items=votes.n_items + 1,
        )
        start = Start(
            theta=result.theta,
            beta=np.append(result.beta, np.nan),
            cut_no=np.append(result.cut_no, np.nan),
            cut_yes=np.append(result.cut_yes, np.nan),
        )
        warm = fit(more, start=start, positive_state=0)
        cold = fit(more, positive_state=0)
        assert warm.converged
        assert warm.iterations < cold.iterations
        assert np.abs(warm.theta - cold.theta).max() < 0.05
        assert abs(warm.beta[-1]) > 1  # the new vote divides the states: it discriminates


class TestProbabilities:
    def test_they_sum_to_one_and_follow_the_ideal_point(self) -> None:
        p = probabilities(np.array([-2.0, 0.0, 2.0]), np.full(3, 1.5), np.full(3, -0.5), np.full(3, 0.5))
        assert np.allclose(p.sum(axis=1), 1)
        assert p[0, 0] > 0.9
        assert p[2, 2] > 0.9
        assert p[1].argmax() == 1


class TestPrepare:
    def test_unanimous_votes_are_left_out_and_series_share_parameters(self) -> None:
        items = [Item(1, 2000, 7), Item(2, 2001, 7), Item(3, 2001, None), Item(4, 2001, None)]
        resolution_ids = np.array([1, 1, 2, 2, 3, 3, 4, 4])
        state_ids = np.array([10, 11, 10, 11, 10, 11, 10, 11])
        choices = np.array([2, 0, 2, 1, 2, 0, 2, 2], dtype=np.int8)  # vote 4: both yes
        prepared = prepare(resolution_ids, state_ids, choices, items)
        assert sorted(prepared.resolution_years) == [1, 2, 3]
        assert prepared.item_groups == [[1, 2], [3]]
        assert prepared.state_ids == [10, 11]
        assert prepared.votes.node_year.tolist() == [2000, 2001, 2000, 2001]
        assert prepared.node_votes.tolist() == [1, 2, 1, 2]


class TestSessionYear:
    @pytest.mark.parametrize(
        ("kind", "number", "day", "year"),
        [
            (SessionKind.REGULAR, 76, dt.date(2022, 3, 2), 2021),
            (SessionKind.REGULAR, 1, dt.date(1946, 12, 14), 1946),
            (SessionKind.EMERGENCY_SPECIAL, 11, dt.date(2022, 3, 2), 2021),
            (SessionKind.EMERGENCY_SPECIAL, 10, dt.date(2024, 9, 18), 2024),
            (SessionKind.SPECIAL, 1, dt.date(1947, 5, 6), 1946),
            (SessionKind.REGULAR, 677, dt.date(2012, 12, 3), 2012),  # a mistyped session number
        ],
    )
    def test_a_vote_counts_in_the_session_under_way(
        self, kind: SessionKind, number: int, day: dt.date, year: int
    ) -> None:
        assert session_year(kind, number, day) == year
