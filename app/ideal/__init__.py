"""Where every state stands: dynamic ideal points estimated from the recorded votes.

The model is the dynamic ordinal spatial model of Bailey, Strezhnev and Voeten ("Estimating Dynamic State
Preferences from United Nations Voting Data", Journal of Conflict Resolution 61(2), 2017), estimated here
from our own record (model.py has the model, estimate.py the fitting, data.py what goes in, refresh.py when
it runs).

**Data.** Every published recorded vote of any session (resolutions, and Voeten's separate votes on
amendments and paragraphs, as stored, whatever their source) on which the states that voted did not all
vote alike. A state's vote is ordinal: no < abstain < yes. A state that did not vote (absent, or without
its vote) and a vote we do not know are missing data, never a fourth answer.

**Time.** A "year" is a session of the Assembly, named by the year it opens: session N is year 1945 + N,
and runs from September to the next September (2021 is September 2021 to September 2022), as in the
published estimates. Votes of special and emergency special sessions count in the session under way on
their date.

**Likelihood.** State i in year t has an ideal point theta_it. Recorded vote j has a discrimination
beta_j and two cut points c_no_j < c_yes_j. The state's latent preference is y* = beta_j theta_it + e,
e ~ N(0, 1) (ordered probit), and it votes no when y* < c_no_j, abstains when c_no_j <= y* < c_yes_j, and
votes yes otherwise.

**Dynamics.** theta_it ~ N(theta_i,t-1, g sigma^2) where g is the number of years since the state's
previous year with votes (a random walk: a year with few votes borrows strength from its neighbours);
sigma^2 = 0.1 is fixed, not estimated (a variance estimated with the ideal points would trade off
against their scale). A state's first year: theta ~ N(0, 1). Item parameters: beta ~ N(0, 2^2),
cut points ~ N(0, 5^2).

**Bridging.** The agenda changes, so ideal points are comparable over time only through votes on the
same question in different years. Votes in one series of recurring resolutions (app.series: the same
text voted on again, session after session, matched by title) share one discrimination and one pair of
cut points: the Cuba embargo vote of 1995 and of 2019 measure the same thing, and a state that voted
alike in both stayed where it was.

**Identification.** The scale and location are set by the priors (N(0, 1) for every state's first year);
the direction so that the United States is on the positive side.

**Fit.** A Laplace-approximated EM, not MCMC: the E-step approximates each state's path of ideal points
by a Gaussian at its conditional mode (a Newton step on a tridiagonal system: the prior links
consecutive years only); the M-step takes a Newton step on each vote's three parameters at those modes
(a vote without abstentions as a binary probit). EM crawls along directions the likelihood barely sees,
so each iteration also takes, in closed form or by one small Newton system, the optimum of a common
rescaling of all ideal points, and of a shift of each year's ideal points together with the cut points
of that year's unbridged votes; and SQUAREM (Varadhan and Roland 2008) extrapolates from two iterations.
The whole record (about a million votes) fits in a few tens of iterations; after a new vote, a fit
started from the last one takes a few.
Standard errors are those of the Gaussian approximation
(the inverse curvature of the posterior of each path, given the vote parameters): they ignore the
uncertainty of the vote parameters and are somewhat too small, as with any variational fit.
"""
