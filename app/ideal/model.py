"""The ideal-point model as data and arithmetic: the votes and the prior that go in, the fit that comes
out, and the ordered-probit likelihood of each vote with its derivatives (vectorised over all votes).
The fitting itself, Laplace-approximated variational EM, is in estimate.py; the model is stated in the
package docstring (app/ideal/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.special import log_ndtr, ndtr

FloatArray = npt.NDArray[np.float64]


IntArray = npt.NDArray[np.int64]


NO, ABSTAIN, YES = 0, 1, 2


_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


@dataclass(frozen=True)
class Prior:
    drift_variance: float = 0.1  # sigma^2 of the yearly random walk
    initial_variance: float = 1.0  # prior variance of a state's first ideal point
    discrimination_sd: float = 2.0
    cut_sd: float = 5.0


@dataclass(frozen=True)
class Votes:
    """What the fit reads. Nodes are state-years, sorted by state and then year."""

    node: IntArray  # (N,) the state-year node of each vote
    item: IntArray  # (N,) the parameter group of each vote (votes of one series share one)
    choice: npt.NDArray[np.int8]  # (N,) NO, ABSTAIN or YES
    node_state: IntArray  # (M,) state index of each node
    node_year: IntArray  # (M,)
    n_items: int

    @property
    def n_nodes(self) -> int:
        return len(self.node_state)


@dataclass
class Start:
    """Values to start from (a previous fit): NaN where a node or item is new."""

    theta: FloatArray
    beta: FloatArray
    cut_no: FloatArray
    cut_yes: FloatArray


@dataclass
class Fit:
    theta: FloatArray  # (M,) posterior mode of each state-year's ideal point
    se: FloatArray  # (M,) its standard error (Gaussian approximation)
    beta: FloatArray  # (J,) discrimination of each item
    cut_no: FloatArray  # (J,)
    cut_yes: FloatArray  # (J,)
    iterations: int
    converged: bool
    log_posterior: float
    history: list[float] = field(default_factory=list)


class SortedVotes:
    """The votes grouped by choice (contiguous slices), so each kind of bound is computed without masks."""

    def __init__(self, votes: Votes) -> None:
        order = np.argsort(votes.choice, kind="stable")
        choice = votes.choice[order]
        self.node = votes.node[order]
        self.item = votes.item[order]
        counts = np.bincount(choice, minlength=3)
        self.no = slice(0, counts[NO])
        self.abstain = slice(counts[NO], counts[NO] + counts[ABSTAIN])
        self.yes = slice(counts[NO] + counts[ABSTAIN], len(choice))
        self.n_nodes = votes.n_nodes
        self.n_items = votes.n_items
        # The year of each item voted in one year only; items bridging several years have -1.
        years = votes.node_year[self.node]
        first = np.full(votes.n_items, np.iinfo(np.int64).max)
        last = np.full(votes.n_items, np.iinfo(np.int64).min)
        np.minimum.at(first, self.item, years)
        np.maximum.at(last, self.item, years)
        self.item_year = np.where(first == last, first, -1)
        self.year_values, self.node_year_index = np.unique(votes.node_year, return_inverse=True)
        self.obs_year_index = self.node_year_index[self.node]
        self.obs_bridged = self.item_year[self.item] < 0
        self.item_year_index = np.where(
            self.item_year >= 0, np.searchsorted(self.year_values, np.maximum(self.item_year, 0)), -1
        )


def _log_phi(x: FloatArray) -> FloatArray:
    return np.asarray(-0.5 * x * x - _LOG_SQRT_2PI, dtype=np.float64)


def _log_cdf_ratio(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log Phi(x) and phi(x) / Phi(x): from ndtr where Phi(x) keeps its digits (twice as fast as
    log_ndtr everywhere), from log_ndtr in the far lower tail."""
    z = ndtr(x)
    tail = z < 1e-10
    log_z = np.log(np.where(tail, 1.0, z))
    ratio = np.exp(-0.5 * x * x) / (np.sqrt(2 * np.pi) * np.where(tail, 1.0, z))
    if tail.any():
        far = x[tail]
        log_far = log_ndtr(far)
        log_z[tail] = log_far
        ratio[tail] = np.exp(_log_phi(far) - log_far)
    return log_z, ratio


@dataclass
class Terms:
    """Per-vote log-likelihood and its derivatives with respect to the latent bounds."""

    loglik: float
    # Each kind of vote, by the bound(s) it has: d/d(bound) and d2/d(bound)2 (and the cross term).
    no_d: FloatArray
    no_dd: FloatArray
    yes_d: FloatArray
    yes_dd: FloatArray
    ab_da: FloatArray
    ab_db: FloatArray
    ab_daa: FloatArray
    ab_dbb: FloatArray
    ab_dab: FloatArray


def terms(s: SortedVotes, theta: FloatArray, beta: FloatArray, c1: FloatArray, c2: FloatArray) -> Terms:
    # A "no" is e < c_no - eta: log Phi(b) with b = c_no - eta.
    item, node = s.item[s.no], s.node[s.no]
    b = c1[item] - beta[item] * theta[node]
    log_z, r = _log_cdf_ratio(b)
    no_d, no_dd = r, -b * r - r * r
    total = float(log_z.sum())
    # A "yes" is e >= c_yes - eta: log(1 - Phi(a)) with a = c_yes - eta.
    item, node = s.item[s.yes], s.node[s.yes]
    a = c2[item] - beta[item] * theta[node]
    log_z, r = _log_cdf_ratio(-a)
    yes_d, yes_dd = -r, a * r - r * r
    total += float(log_z.sum())
    # An abstention lies between the two: log(Phi(b) - Phi(a)), computed in the tail that keeps digits.
    item, node = s.item[s.abstain], s.node[s.abstain]
    eta = beta[item] * theta[node]
    a, b = c1[item] - eta, c2[item] - eta
    upper = a > 0
    z = np.where(upper, ndtr(-a) - ndtr(-b), ndtr(b) - ndtr(a))
    z = np.maximum(z, 1e-300)
    pa, pb = np.exp(-0.5 * a * a) / (np.sqrt(2 * np.pi) * z), np.exp(-0.5 * b * b) / (np.sqrt(2 * np.pi) * z)
    total += float(np.log(z).sum())
    return Terms(
        loglik=total,
        no_d=no_d,
        no_dd=no_dd,
        yes_d=yes_d,
        yes_dd=yes_dd,
        ab_da=-pa,
        ab_db=pb,
        ab_daa=a * pa - pa * pa,
        ab_dbb=-b * pb - pb * pb,
        ab_dab=pa * pb,
    )


def node_sums(s: SortedVotes, t: Terms, beta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Gradient and negative second derivative of the log-likelihood in each node's ideal point."""
    m = s.n_nodes
    # d(bound)/d(theta) = -beta for every bound.
    d_eta = np.concatenate([-t.no_d, -(t.ab_da + t.ab_db), -t.yes_d])
    dd_eta = np.concatenate([t.no_dd, t.ab_daa + 2 * t.ab_dab + t.ab_dbb, t.yes_dd])
    b = beta[s.item]
    grad = np.bincount(s.node, weights=b * d_eta, minlength=m).astype(np.float64)
    curv = np.bincount(s.node, weights=-(b * b) * dd_eta, minlength=m).astype(np.float64)
    return grad, curv


def probabilities(theta: FloatArray, beta: FloatArray, cut_no: FloatArray, cut_yes: FloatArray) -> FloatArray:
    """(n, 3) probabilities of no, abstain and yes, element by element."""
    eta = beta * theta
    p_no = ndtr(cut_no - eta)
    p_yes = ndtr(eta - cut_yes)
    return np.stack([p_no, np.clip(1.0 - p_no - p_yes, 0.0, 1.0), p_yes], axis=-1)


def band(votes: Votes, prior: Prior) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """The prior's precision: diagonal, off-diagonal (node k-1 with node k) and the first-year mask."""
    m = votes.n_nodes
    same = np.zeros(m, dtype=bool)
    same[1:] = votes.node_state[1:] == votes.node_state[:-1]
    gap = np.ones(m)
    gap[1:] = np.maximum(votes.node_year[1:] - votes.node_year[:-1], 1)
    link = np.where(same, 1.0 / (gap * prior.drift_variance), 0.0)  # link[k]: nodes k-1 and k
    diag = np.where(same, 0.0, 1.0 / prior.initial_variance) + link
    diag[:-1] += link[1:]
    return diag, link, ~same


def prior_theta(theta: FloatArray, diag: FloatArray, link: FloatArray) -> tuple[float, FloatArray]:
    """The ideal points' log prior (up to a constant) and its gradient."""
    precision_theta = diag * theta
    precision_theta[1:] -= link[1:] * theta[:-1]
    precision_theta[:-1] -= link[1:] * theta[1:]
    # Sums by multiply-and-add rather than BLAS dot products, which wake a thread pool per call.
    return -0.5 * float((theta * precision_theta).sum()), -precision_theta


def log_prior_items(beta: FloatArray, c1: FloatArray, c2: FloatArray, prior: Prior) -> float:
    return -0.5 * float(
        (beta * beta).sum() / prior.discrimination_sd**2
        + ((c1 * c1).sum() + (c2 * c2).sum()) / prior.cut_sd**2
    )
