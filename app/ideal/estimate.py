"""The estimator: a dynamic ordered-probit ideal-point model fitted by Laplace-approximated variational EM.

Plain numpy and scipy, no database; the model's data and likelihood are in model.py, the model is stated in
the package docstring (app/ideal/__init__.py).
Every vote enters through vectorised sums (np.bincount) over the observations, so an iteration over the
whole record (about a million votes) takes a fraction of a second.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.linalg import solveh_banded

from app.ideal.model import (
    ABSTAIN,
    NO,
    YES,
    Fit,
    FloatArray,
    Prior,
    SortedVotes,
    Start,
    Terms,
    Votes,
    band,
    log_prior_items,
    node_sums,
    prior_theta,
    terms,
)

MIN_GAP = 1e-3  # smallest distance kept between a vote's two cut points
MAX_STEP = 1.0  # Newton steps are clipped to this, per parameter, far from the optimum
RELATIVE_TOLERANCE = 1e-7  # of the log posterior, between iterations


def _theta_step(
    s: SortedVotes, t: Terms, theta: FloatArray, beta: FloatArray, diag: FloatArray, link: FloatArray
) -> FloatArray:
    """One Newton step on every path at once: a tridiagonal system, as the prior links consecutive
    years of a state only."""
    grad, curv = node_sums(s, t, beta)
    _, prior_grad = prior_theta(theta, diag, link)
    h_diag = curv + diag
    h_off = -link
    ab = np.zeros((2, len(theta)))
    ab[0, 1:] = h_off[1:]
    ab[1] = h_diag
    step = np.asarray(solveh_banded(ab, grad + prior_grad), dtype=np.float64)
    return theta + np.clip(step, -MAX_STEP, MAX_STEP)


def _item_derivatives(
    s: SortedVotes,
    t: Terms,
    theta: FloatArray,
    beta: FloatArray,
    c1: FloatArray,
    c2: FloatArray,
    prior: Prior,
) -> tuple[FloatArray, FloatArray]:
    """Gradient (J, 3) and Hessian (J, 3, 3) in each item's (beta, c_no, c_yes) of the log-likelihood
    at the ideal points' modes plus the items' log prior."""
    j = s.n_items

    def total(index: slice, weights: FloatArray) -> FloatArray:
        return np.bincount(s.item[index], weights=weights, minlength=j).astype(np.float64)

    no, ab, yes = s.no, s.abstain, s.yes
    tn, ta, ty = theta[s.node[no]], theta[s.node[ab]], theta[s.node[yes]]
    # The bounds are c - beta*theta, so d/dbeta = -theta * d/d(bound).
    g_beta = total(no, -tn * t.no_d) + total(yes, -ty * t.yes_d) + total(ab, -ta * (t.ab_da + t.ab_db))
    g_c1 = total(no, t.no_d) + total(ab, t.ab_da)
    g_c2 = total(yes, t.yes_d) + total(ab, t.ab_db)
    ab_eta = t.ab_daa + 2 * t.ab_dab + t.ab_dbb  # d2/d(eta)2 of an abstention
    h_bb = total(no, tn * tn * t.no_dd) + total(yes, ty * ty * t.yes_dd) + total(ab, ta * ta * ab_eta)
    h_b1 = total(no, -tn * t.no_dd) + total(ab, -ta * (t.ab_daa + t.ab_dab))
    h_b2 = total(yes, -ty * t.yes_dd) + total(ab, -ta * (t.ab_dab + t.ab_dbb))
    h_11 = total(no, t.no_dd) + total(ab, t.ab_daa)
    h_22 = total(yes, t.yes_dd) + total(ab, t.ab_dbb)
    h_12 = total(ab, t.ab_dab)
    pb, pc = 1.0 / prior.discrimination_sd**2, 1.0 / prior.cut_sd**2
    g_beta = g_beta - pb * beta
    h_bb = h_bb - pb
    hess = np.empty((j, 3, 3))
    hess[:, 0, 0], hess[:, 1, 1], hess[:, 2, 2] = h_bb, h_11 - pc, h_22 - pc
    hess[:, 0, 1] = hess[:, 1, 0] = h_b1
    hess[:, 0, 2] = hess[:, 2, 0] = h_b2
    hess[:, 1, 2] = hess[:, 2, 1] = h_12
    grad = np.stack([g_beta, g_c1 - pc * c1, g_c2 - pc * c2], axis=1)
    return grad, hess


def _item_step(
    s: SortedVotes,
    t: Terms,
    theta: FloatArray,
    beta: FloatArray,
    c1: FloatArray,
    c2: FloatArray,
    prior: Prior,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One Newton step on every item's (beta, c_no, c_yes)."""
    grad, hess = _item_derivatives(s, t, theta, beta, c1, c2, prior)
    step = np.linalg.solve(-hess, grad[:, :, None])[:, :, 0]
    # A vote without abstentions drives its cut points together, and a free step then crosses them:
    # there the step is taken with the gap held (both cut points move alike), a binary probit.
    crossed = (c2 + step[:, 2]) - (c1 + step[:, 1]) < MIN_GAP
    if crossed.any():
        h, g = hess[crossed], grad[crossed]
        reduced_h = np.empty((len(g), 2, 2))
        reduced_h[:, 0, 0] = h[:, 0, 0]
        reduced_h[:, 0, 1] = reduced_h[:, 1, 0] = h[:, 0, 1] + h[:, 0, 2]
        reduced_h[:, 1, 1] = h[:, 1, 1] + 2 * h[:, 1, 2] + h[:, 2, 2]
        reduced_g = np.stack([g[:, 0], g[:, 1] + g[:, 2]], axis=1)
        reduced = np.linalg.solve(-reduced_h, reduced_g[:, :, None])[:, :, 0]
        step[crossed] = reduced[:, [0, 1, 1]]
    step = np.clip(step, -MAX_STEP, MAX_STEP)
    beta, c1, c2 = beta + step[:, 0], c1 + step[:, 1], c2 + step[:, 2]
    crossed = c2 - c1 < MIN_GAP
    middle = (c1 + c2) / 2
    c1 = np.where(crossed, middle - MIN_GAP / 2, c1)
    c2 = np.where(crossed, middle + MIN_GAP / 2, c2)
    return beta, c1, c2


def _path_variance(h_diag: FloatArray, h_off: FloatArray) -> FloatArray:
    """Diagonal of the inverse of the symmetric tridiagonal matrix (diagonal h_diag, h_off[k] linking
    k-1 and k): an LDL' sweep forward and the classic recursion backward."""
    m = len(h_diag)
    d = np.empty(m)
    d[0] = h_diag[0]
    for k in range(1, m):
        d[k] = h_diag[k] - h_off[k] * h_off[k] / d[k - 1]
    out = np.empty(m)
    out[-1] = 1.0 / d[-1]
    for k in range(m - 2, -1, -1):
        lk = h_off[k + 1] / d[k]
        out[k] = 1.0 / d[k] + lk * lk * out[k + 1]
    return out


def _rescale(
    theta: FloatArray,
    beta: FloatArray,
    c1: FloatArray,
    c2: FloatArray,
    diag: FloatArray,
    link: FloatArray,
    prior: Prior,
    first: npt.NDArray[np.bool_],
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The optimum along the two directions the likelihood cannot see, in closed form.

    Scaling every ideal point by k and every discrimination by 1/k, or shifting every ideal point by d
    and every cut point by beta*d, leaves each vote's probability unchanged: only the priors move.
    Alternating updates crawl along such ridges, so each iteration jumps to their optimum instead."""
    # Shift: maximise -(sum over first years (theta + d)^2)/2v0 - sum_j ((c1 + b d)^2 + (c2 + b d)^2)/2sc^2.
    # (The random walk only sees differences, which a shift leaves alone.)
    v0, sc2 = prior.initial_variance, prior.cut_sd**2
    numerator = theta[first].sum() / v0 + (beta * (c1 + c2)).sum() / sc2
    denominator = first.sum() / v0 + 2 * (beta * beta).sum() / sc2
    d = -numerator / denominator
    theta, c1, c2 = theta + d, c1 + beta * d, c2 + beta * d
    # Scale: maximise -(k^2 Q)/2 - (B / k^2)/2, Q the ideal points' prior form, B the discriminations'.
    q = -2 * prior_theta(theta, diag, link)[0]
    b = float((beta * beta).sum()) / prior.discrimination_sd**2
    if q > 0 and b > 0:
        k = (b / q) ** 0.25
        theta, beta = theta * k, beta / k
    return theta, beta, c1, c2


def _shift_years(
    s: SortedVotes,
    t: Terms,
    theta: FloatArray,
    beta: FloatArray,
    c1: FloatArray,
    c2: FloatArray,
    diag: FloatArray,
    link: FloatArray,
    prior: Prior,
    first: npt.NDArray[np.bool_],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """A Newton step along the year-by-year shifts: move every ideal point of year t by d_t and the cut
    points of the votes of that year alone by beta*d_t. Only the votes that bridge years, the random walk
    and the first-year prior see such a move, so EM, which moves one block at a time, takes hundreds of
    iterations to carry a period of the history to where the bridges put it; this takes one system of
    one equation per year."""
    n = len(s.year_values)
    d_eta = np.concatenate([-t.no_d, -(t.ab_da + t.ab_db), -t.yes_d])
    dd_eta = np.concatenate([t.no_dd, t.ab_daa + 2 * t.ab_dab + t.ab_dbb, t.yes_dd])
    b = beta[s.item] * s.obs_bridged
    grad = np.bincount(s.obs_year_index, weights=b * d_eta, minlength=n)
    hess = np.diag(np.bincount(s.obs_year_index, weights=b * b * dd_eta, minlength=n))
    # The random walk between consecutive years of a state, and the first years' prior.
    k = np.flatnonzero(link > 0)
    ya, yb = s.node_year_index[k - 1], s.node_year_index[k]
    w, e = link[k], theta[k] - theta[k - 1]
    np.add.at(grad, yb, -w * e)
    np.add.at(grad, ya, w * e)
    np.add.at(hess, (yb, yb), -w)
    np.add.at(hess, (ya, ya), -w)
    np.add.at(hess, (ya, yb), w)
    np.add.at(hess, (yb, ya), w)
    f = np.flatnonzero(first)
    np.add.at(grad, s.node_year_index[f], -theta[f] / prior.initial_variance)
    np.add.at(hess, (s.node_year_index[f], s.node_year_index[f]), -1.0 / prior.initial_variance)
    # The prior on the cut points the move carries along.
    single = np.flatnonzero(s.item_year_index >= 0)
    yi, bs = s.item_year_index[single], beta[single]
    sc2 = prior.cut_sd**2
    np.add.at(grad, yi, -bs * (c1[single] + c2[single]) / sc2)
    np.add.at(hess, (yi, yi), -2 * bs * bs / sc2)
    d = np.clip(np.linalg.solve(-hess, grad), -MAX_STEP, MAX_STEP)
    theta = theta + d[s.node_year_index]
    carried = np.where(s.item_year_index >= 0, d[np.maximum(s.item_year_index, 0)], 0.0) * beta
    return theta, c1 + carried, c2 + carried


def initial_values(votes: Votes, positive_state: int | None) -> FloatArray:
    """Starting ideal points: each state's score on the leading singular vector of its centred votes
    (-1, 0, 1; missing as 0) over all years, standardised, the positive state on the positive side.

    One score per state, not per state-year: a start fitted year by year can put some years the other
    way round, a mode that alternating updates do not leave (the random walk penalises the flip, but
    leaving it needs every vote of the year to turn at once)."""
    y = votes.choice.astype(np.float64) - 1.0
    counts = np.bincount(votes.item, minlength=votes.n_items).astype(np.float64)
    means = np.bincount(votes.item, weights=y, minlength=votes.n_items) / np.maximum(counts, 1)
    states = votes.node_state[votes.node]
    n_states = int(votes.node_state.max()) + 1
    matrix = np.zeros((n_states, votes.n_items))
    np.add.at(matrix, (states, votes.item), y - means[votes.item])
    seen = np.zeros((n_states, votes.n_items))
    np.add.at(seen, (states, votes.item), 1.0)
    matrix /= np.maximum(seen, 1.0)  # a state's average where a bridged item recurs
    # The leading left singular vector, as the leading eigenvector of the small states x states product.
    _, vectors = np.linalg.eigh(matrix @ matrix.T)
    score = vectors[:, -1]
    score = (score - score.mean()) / (score.std() or 1.0)
    if positive_state is not None and score[positive_state] < 0:
        score = -score
    return np.asarray(score[votes.node_state], dtype=np.float64)


def _fill_start(votes: Votes, start: Start | None, positive_state: int | None) -> tuple[FloatArray, ...]:
    j = votes.n_items
    if start is None:
        theta = initial_values(votes, positive_state)
        beta = np.full(j, np.nan)
        c1 = np.full(j, np.nan)
        c2 = np.full(j, np.nan)
    else:
        theta = start.theta.copy()
        # A new state-year starts where the same state was the year before (else at 0).
        for k in np.flatnonzero(np.isnan(theta)):
            same = k > 0 and votes.node_state[k - 1] == votes.node_state[k]
            theta[k] = theta[k - 1] if same and not np.isnan(theta[k - 1]) else 0.0
        beta, c1, c2 = start.beta.copy(), start.cut_no.copy(), start.cut_yes.copy()
    new = np.isnan(beta) | np.isnan(c1) | np.isnan(c2)
    if new.any():
        # New items: no discrimination yet, cut points at the observed shares of no and no-or-abstain.
        counts = np.stack(
            [np.bincount(votes.item[votes.choice == c], minlength=j) for c in (NO, ABSTAIN, YES)], axis=1
        ).astype(np.float64)
        shares = (counts + 0.5) / (counts.sum(axis=1, keepdims=True) + 1.5)
        from scipy.special import ndtri

        first_cut = ndtri(shares[:, 0])
        second_cut = np.maximum(ndtri(shares[:, 0] + shares[:, 1]), first_cut + MIN_GAP)
        beta = np.where(new, 0.0, beta)
        c1 = np.where(new, first_cut, c1)
        c2 = np.where(new, second_cut, c2)
    return theta, beta, c1, c2, new


def fit(
    votes: Votes,
    prior: Prior | None = None,
    *,
    start: Start | None = None,
    positive_state: int | None = None,
    tolerance: float = 1e-3,
    max_iterations: int = 500,
) -> Fit:
    """Fit the model. ``positive_state``: the state index placed on the positive side (the United
    States). Stops when no ideal point moves by more than ``tolerance`` in an iteration."""
    prior = prior or Prior()
    s = SortedVotes(votes)
    diag, link, first = band(votes, prior)
    theta, beta, c1, c2, new = _fill_start(votes, start, positive_state)
    if new.any():
        # Place the new items against the starting ideal points before the ideal points move.
        for _ in range(5):
            t = terms(s, theta, beta, c1, c2)
            beta_n, c1_n, c2_n = _item_step(s, t, theta, beta, c1, c2, prior)
            beta, c1, c2 = np.where(new, beta_n, beta), np.where(new, c1_n, c1), np.where(new, c2_n, c2)
    m = votes.n_nodes

    def step(x: FloatArray) -> tuple[FloatArray, float, float]:
        """One EM iteration from x = (theta, beta, c_no, c_yes): the next x, the log posterior at x and
        how far the ideal points moved."""
        theta, beta, c1, c2 = np.split(x, [m, m + votes.n_items, m + 2 * votes.n_items])
        t = terms(s, theta, beta, c1, c2)
        value = t.loglik + prior_theta(theta, diag, link)[0] + log_prior_items(beta, c1, c2, prior)
        new_theta = _theta_step(s, t, theta, beta, diag, link)
        moved = float(np.abs(new_theta - theta).max())
        t = terms(s, new_theta, beta, c1, c2)
        beta, c1, c2 = _item_step(s, t, new_theta, beta, c1, c2, prior)
        t = terms(s, new_theta, beta, c1, c2)
        new_theta, c1, c2 = _shift_years(s, t, new_theta, beta, c1, c2, diag, link, prior, first)
        parts = _rescale(new_theta, beta, c1, c2, diag, link, prior, first)
        return np.concatenate(parts), value, moved

    # SQUAREM (Varadhan and Roland, 2008): two EM steps give the direction and pace of the slow linear
    # convergence EM has along nearly flat directions (blocs at the edge of the scale and the votes that
    # only they split); the extrapolated point is kept when the posterior is higher there.
    x = np.concatenate([theta, beta, c1, c2])
    history: list[float] = []
    converged = False
    iterations = 0
    while iterations < max_iterations:
        x1, value, moved = step(x)
        iterations += 1
        history.append(value)
        if moved < tolerance or _flat(history):
            x, converged = x1, True
            break
        x2, value1, moved = step(x1)
        iterations += 1
        history.append(value1)
        if moved < tolerance:
            x, converged = x2, True
            break
        r, v = x1 - x, x2 - 2 * x1 + x
        alpha = -np.sqrt(float((r * r).sum()) / max(float((v * v).sum()), 1e-300))
        alpha = min(alpha, -1.0)
        jump = ordered(x - 2 * alpha * r + alpha * alpha * v, m, votes.n_items)
        x3, value3, _ = step(jump)
        iterations += 1
        # The jump stands if the posterior there beats the last plain step's starting point.
        x = x3 if value3 >= value1 else x2
    theta, beta, c1, c2 = np.split(x, [m, m + votes.n_items, m + 2 * votes.n_items])
    t = terms(s, theta, beta, c1, c2)
    _, curv = node_sums(s, t, beta)
    variance = _path_variance(curv + diag, -link)
    if positive_state is not None:
        own = votes.node_state == positive_state
        if own.any() and theta[own].mean() < 0:
            theta, beta = -theta, -beta
    log_posterior = t.loglik + prior_theta(theta, diag, link)[0] + log_prior_items(beta, c1, c2, prior)
    return Fit(
        theta=theta,
        se=np.sqrt(variance),
        beta=beta,
        cut_no=c1,
        cut_yes=c2,
        iterations=iterations,
        converged=converged,
        log_posterior=log_posterior,
        history=history,
    )


def _flat(history: list[float]) -> bool:
    """The posterior no longer rises: the step and the rescaling can trade a few thousandths back and
    forth on a state at the edge of the scale, where the posterior is flat."""
    return len(history) > 1 and abs(history[-1] - history[-2]) < RELATIVE_TOLERANCE * abs(history[-1])


def ordered(x: FloatArray, m: int, j: int) -> FloatArray:
    """Cut points put back in order after an extrapolation."""
    c1, c2 = x[m + j : m + 2 * j], x[m + 2 * j :]
    crossed = c2 - c1 < MIN_GAP
    middle = (c1 + c2) / 2
    c1[crossed], c2[crossed] = middle[crossed] - MIN_GAP / 2, middle[crossed] + MIN_GAP / 2
    return x
