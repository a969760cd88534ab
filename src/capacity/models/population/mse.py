"""Log-linear multiple systems estimation (MSE) on k ≥ 2 lists.

:func:`mse` fits the Poisson log-linear model of Fienberg (1972) and Bishop, Fienberg &
Holland (1975, ch. 6) to the 2^k − 1 observable capture histories with statsmodels' GLM,
selects two-list interactions if asked, checks that the estimate exists and is identified
(Fienberg & Rinaldo 2012; Chan, Silverman & Vincent 2021), and gives the population size
with a delta-method standard error and a profile-likelihood interval (Cormack 1992;
Rivest & Baillargeon's Rcapture ``closedpCI``). Design and existence checks live in
:mod:`capacity.models.population.design`, the profile likelihood in
:mod:`capacity.models.population.profile`.

"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from capacity.exceptions import ConvergenceWarning, EstimationError, ParameterError
from capacity.models import _statsmodels as sm
from capacity.models._base import Caveat
from capacity.models.population.design import (
    Model,
    boundary_model,
    build_model,
    histories,
    parse_pairs,
    prepare_table,
)
from capacity.models.population.estimators import PopulationResults
from capacity.models.population.profile import Profile

__all__ = ["MSEResults", "mse"]

#: Fits kept by :func:`mse` for a repeat of the same counts, lists, model and criterion
#: (the least recently used dropped beyond ``MEMO_SIZE``).
MEMO_SIZE = 256
_MEMO: OrderedDict = OrderedDict()


def _fit(model: Model, y: np.ndarray, start: np.ndarray | None = None):
    """Poisson GLM fit of the kept cells; returns the statsmodels results."""
    glm = sm.GLM(y, model.X, family=sm.families.Poisson())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return glm.fit(start_params=start, tol=1e-12, maxiter=200)


def _converged(fit) -> bool:
    """IRLS converged, or stalled at machine precision (deviance no longer changes)."""
    if fit.converged:
        return True
    last = np.asarray(fit.fit_history["deviance"][-3:], dtype=float)
    return bool(np.all(np.isfinite(last)) and np.ptp(last) <= 1e-9 * max(1.0, abs(last[-1])))


class MSEResults(PopulationResults):
    """Result of :func:`mse`.

    Attributes
    ----------
    estimate, se : float
        Poisson estimate ``N̂ = n + exp(β̂0)`` and its delta-method standard error.
    lists : tuple of str
        The lists (sources), in column order.
    terms : tuple of str
        Two-list interactions in the model, e.g. ``("LA:NG",)``.
    coefficients : DataFrame
        ``coef`` and ``se`` per fitted parameter (intercept, main effects, interactions).
    deviance, df_resid, aic, bic : float
        Fit statistics over all 2^k − 1 observable histories (parameters of lists without
        overlap counted; see docs/methods/population.md).
    n_observed : int
        Persons observed.
    fitted : DataFrame
        One row per observable history: 0/1 list columns, ``observed``, ``fitted`` and
        ``in_fit`` (False for cells forced to zero by a pair of lists without overlap).
    selection : DataFrame or None
        The forward-selection path (one row per step) when ``interactions="select"``.
    empty_pairs : tuple of str
        Interactions in the model whose lists never overlap (handled as in the Notes of
        :func:`mse`).
    boundary_pairs : tuple of str
        Interactions fitted as an extended MLE because everyone on one of their lists is
        on the other (Notes of :func:`mse`); empty when the ordinary MLE exists.
    """

    def __init__(self, model: Model, fit, y, lists, selection=None, criterion=None, caveats=()):
        n = int(round(y.sum()))
        b0 = float(fit.params[0])
        var_b0 = float(fit.cov_params()[0, 0])
        estimate = n + np.exp(b0)
        se = np.sqrt(np.exp(b0) + np.exp(2 * b0) * var_b0)
        super().__init__(estimate, se, n, "log-linear MSE", caveats)
        self.lists = tuple(lists)
        self.terms = model.term_names
        self.empty_pairs = model.empty_names
        self.boundary_pairs = model.boundary_names
        self.coefficients = pd.DataFrame(
            {"coef": fit.params, "se": fit.bse}, index=pd.Index(model.columns, name="parameter")
        )
        k = len(self.lists)
        n_par = model.n_params
        self.deviance = float(fit.deviance)
        self.df_resid = int(2**k - 1 - n_par)
        self.loglik = float(fit.llf)
        self.aic = -2 * self.loglik + 2 * n_par
        self.bic = -2 * self.loglik + np.log(n) * n_par
        self.criterion = criterion
        full = histories(k)
        fitted = np.zeros(len(full))
        fitted[model.keep] = fit.fittedvalues
        self.fitted = pd.DataFrame(full, columns=list(self.lists))
        self.fitted["observed"] = y
        self.fitted["fitted"] = fitted
        self.fitted["in_fit"] = model.keep
        self.selection = selection
        self._profile = Profile(model, y[model.keep], np.asarray(fit.params))
        self.title = "Population size (log-linear MSE: " + self.model_label + ")"
        if np.isinf(self._interval(0.05)[1]):
            self.caveats += (Caveat("mse.open_above"),)

    @property
    def model_label(self) -> str:
        """Model in words, e.g. ``main effects + LA:NG``."""
        return "main effects" + "".join(f" + {t}" for t in self.terms)

    @property
    def profile_estimate(self) -> float:
        """``N`` that maximises the multinomial profile likelihood (Rcapture's point)."""
        return self._profile.maximum(self.estimate)

    def _interval(self, alpha: float) -> tuple[float, float]:
        lo, hi, _ = self._profile.interval(self.estimate, alpha)
        return lo, hi

    def conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """Profile-likelihood interval ``(low, high)`` for ``N`` at level ``1 - alpha``.

        ``high`` is ``inf`` when the likelihood does not drop enough within
        ``n + 10^4 (N̂ − n + 1)``: the data then put no useful upper bound on ``N``.
        """
        return super().conf_int(alpha)


def _forward(y, lists, criterion, start_model):
    """Forward selection over admissible two-list interactions."""
    k = len(lists)
    n = float(y.sum())
    penalty = 2.0 if criterion == "aic" else np.log(n)
    current = start_model
    current_fit = _fit(current, y[current.keep])
    current_value = -2 * current_fit.llf + penalty * current.n_params
    steps = [("(start: main effects)", current_value, n + np.exp(current_fit.params[0]))]
    all_pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
    while True:
        best = None
        for pair in all_pairs:
            if pair in current.pairs:
                continue
            candidate = build_model(y, k, current.pairs + (pair,), lists)
            if candidate.empty or not candidate.exists or candidate.rank_deficiency:
                continue
            fit = _fit(candidate, y[candidate.keep], None)
            value = -2 * fit.llf + penalty * candidate.n_params
            if best is None or value < best[0]:
                best = (value, candidate, fit, pair)
        if best is None or best[0] >= current_value:
            break
        current_value, current, current_fit, pair = best
        steps.append(
            (
                f"+ {lists[pair[0]]}:{lists[pair[1]]}",
                current_value,
                n + np.exp(current_fit.params[0]),
            )
        )
    return current, current_fit, steps


def mse(
    table: pd.DataFrame,
    lists: Sequence[str],
    count: str = "count",
    interactions: str | Sequence[tuple[str, str]] = "select",
    criterion: str = "aic",
) -> MSEResults:
    r"""Population size from k ≥ 2 overlapping lists by log-linear multiple systems estimation.

    Parameters
    ----------
    table : DataFrame
        One 0/1 column per list and a count column: persons with that capture history.
        Histories nobody has may be absent (they count as 0); repeated histories are summed.
    lists : sequence of str
        Names of the list columns (at least two).
    count : str
        Name of the count column.
    interactions : {"select", "none", "all"} or sequence of (str, str)
        ``"none"``: independence (main effects only). A sequence of list pairs: that fixed
        model. ``"all"``: every two-list interaction. ``"select"``: forward selection (Notes).
    criterion : {"aic", "bic"}
        Criterion of the forward selection (ignored for fixed models; both are reported).

    Returns
    -------
    MSEResults

    Raises
    ------
    EstimationError
        When the model's estimate does not exist (Fienberg–Rinaldo check fails) or the
        intercept is not identified (rank-deficient design); the message says which.

    Notes
    -----
    Model: for each observable history ``h ∈ {0,1}^k \ {0}``,
    ``log E[y_h] = β0 + Σ_j β_j h_j + Σ_{(a,b)} λ_ab h_a h_b``, fitted by Poisson maximum
    likelihood on **all** ``2^k − 1`` histories (absent ones as 0). The unseen history has
    mean ``exp(β0)``, so ``N̂ = n + exp(β̂0)`` and, by the delta method,
    ``se(N̂) = sqrt(exp(β̂0) + exp(2β̂0) Var(β̂0))``.

    The interval is the profile-likelihood interval: append the unseen cell with count
    ``N − n``, refit, and evaluate the multinomial log-likelihood
    ``ℓ(N) = log N! − log(N−n)! − Σ log y_h! + Σ_h y_h log(μ̂_h/N)``; the interval is
    ``{N : ℓ(N) ≥ max ℓ − χ²_1(1−α)/2}`` (Cormack 1992; Rcapture ``closedpCI``).

    AIC ``= −2ℓ_P + 2p``, BIC ``= −2ℓ_P + p log n`` (Rcapture's convention: log of the
    number of persons observed), with ``ℓ_P`` the Poisson log-likelihood and ``p`` the
    number of parameters.

    *Lists that never overlap.* If the model has ``λ_ab`` but no person is on both ``a``
    and ``b``, the MLE of ``λ_ab`` is −∞: those cells are fitted as 0 and left out of the
    GLM, the parameter is dropped from the fit but still counted in ``p`` and the residual
    degrees of freedom, and a caveat names the pair (Chan, Silverman & Vincent 2021).

    *A list inside another.* If the model has ``λ_ab`` and everyone on ``b`` is also on
    ``a`` (the margin ``h_a = 0, h_b = 1`` is empty; or the same with ``a`` and ``b``
    swapped), the MLE does not exist (``β_b → −∞``, ``λ_ab → +∞``) but the extended MLE
    does, as R's ``glm`` and Rcapture return it: the cells of that margin are fitted as 0,
    ``λ_ab`` (then identical to ``β_b`` on the other cells) is dropped from the fit and
    counted in ``p``, and a caveat says so (``res.boundary_pairs``). Fixed models only;
    selection does not add such pairs.

    *Existence.* Every model is checked with the Fienberg–Rinaldo linear program (a strictly
    positive vector with the observed sufficient statistics must exist) and a rank check of
    the design on the kept cells; a fixed model that fails raises :class:`EstimationError`.

    *Selection* (``"select"``): start from main effects; at each step fit every model
    that adds one two-list interaction whose lists overlap and that passes the existence
    and rank checks; add the one with the lowest criterion if it is lower than the current
    model's; stop otherwise. Pairs without overlap are never added.

    References
    ----------
    Bishop, Y. M. M., Fienberg, S. E. & Holland, P. W. (1975). *Discrete Multivariate
    Analysis*, ch. 6. Cormack, R. M. (1989). Log-linear models for capture–recapture.
    *Biometrics* 45, 395–413. Cormack, R. M. (1992). Interval estimation for mark–recapture
    studies of closed populations. *Biometrics* 48, 567–576. Fienberg, S. E. & Rinaldo, A.
    (2012). Maximum likelihood estimation in log-linear models. *Ann. Statist.* 40,
    996–1023. Baillargeon, S. & Rivest, L.-P. (2007). Rcapture. *J. Stat. Softw.* 19(5).
    Chan, L., Silverman, B. W. & Vincent, K. (2021). Multiple systems estimation for sparse
    capture data. *JASA* 116, 1297–1306.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1, 0, 1], "b": [0, 1, 1], "count": [30, 20, 10]})
    >>> round(mse(t, ["a", "b"], interactions="none").estimate)
    120
    """
    y, lists = prepare_table(table, lists, count)
    if criterion not in ("aic", "bic"):
        raise ParameterError(f"criterion must be 'aic' or 'bic', got {criterion!r}.")
    key = _memo_key(y, lists, interactions, criterion)
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    model, fit, selection = _choose_model(y, lists, interactions, criterion)
    caveats = _fit_caveats(model, fit, len(lists), criterion if selection is not None else None)
    res = MSEResults(model, fit, y, lists, selection, criterion, caveats)
    if not any(c.key == "mse.not_converged" for c in res.caveats):  # (its warning each time)
        _MEMO[key] = res
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return res


def _memo_key(y: np.ndarray, lists: tuple, interactions, criterion: str) -> tuple:
    """What decides :func:`mse`'s result: the counts of every history, lists, model, criterion.

    The same counts give the same fit, so a repeat (the tornado's refits fit the same
    quarters' MSE again: only the stays' settings change between them) returns the result
    already made. Results are immutable (:class:`~capacity.models._base.Results`).
    """
    if not isinstance(interactions, str):
        interactions = tuple(tuple(str(x) for x in pair) for pair in interactions)
    return (np.asarray(y, dtype=float).tobytes(), tuple(lists), interactions, criterion)


def _choose_model(y, lists, interactions, criterion):
    """The model to fit: forward selection (``"select"``) or the fixed one asked for.

    Returns ``(model, fit, selection)``; ``selection`` is the table of selection steps, or
    ``None`` for a fixed model.
    """
    k = len(lists)
    if isinstance(interactions, str) and interactions == "select":
        start = build_model(y, k, (), lists)
        _require(start, lists)
        model, fit, steps = _forward(y, lists, criterion, start)
        return model, fit, pd.DataFrame(steps, columns=["step", criterion, "N_hat"])
    model = build_model(y, k, parse_pairs(interactions, lists), lists)
    if not model.exists:
        model = boundary_model(y, k, model, lists) or model
    _require(model, lists)
    return model, _fit(model, y[model.keep]), None


def _fit_caveats(model: Model, fit, k: int, selected_by: str | None) -> list[Caveat]:
    """What a reader of this fit must know: assumptions, selection, −∞ pairs, convergence."""
    caveats = [Caveat("mse.closure"), Caveat("mse.dependence")]
    if selected_by is not None:
        caveats.append(Caveat("mse.selected", criterion=selected_by.upper()))
    if model.boundary_names:
        caveats.append(Caveat("mse.boundary_pairs", pairs=tuple(model.boundary_names)))
    if model.empty_names:
        caveats.append(Caveat("mse.empty_pairs", pairs=tuple(model.empty_names)))
    if not _converged(fit):
        warnings.warn(
            f"The Poisson GLM for {model.term_names or 'main effects'} did not converge.",
            ConvergenceWarning,
            stacklevel=3,
        )
        caveats.append(Caveat("mse.not_converged"))
    if 2**k - 1 - model.n_params == 0:
        caveats.append(Caveat("mse.saturated"))
    return caveats


def _require(model: Model, lists) -> None:
    """Raise when the model's estimate does not exist or is not identified."""
    label = "main effects" + "".join(f" + {t}" for t in model.term_names)
    problems = []
    if not model.exists:
        problems.append(
            "the maximum likelihood estimate does not exist (Fienberg–Rinaldo check: some "
            "parameters run to ±∞ because of the zero cells)"
        )
    if model.rank_deficiency:
        problems.append(
            f"the population size is not identified (the design on the cells that can be "
            f"fitted lacks {model.rank_deficiency} degree(s) of freedom)"
        )
    if problems:
        raise EstimationError(
            f"Model '{label}' on lists {list(lists)}: "
            + "; and ".join(problems)
            + ". Use fewer interactions (or interactions='select'), or merge sparse lists."
        )
