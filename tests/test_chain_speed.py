"""Issue 14: the chain's speed-ups give exactly what the code they replaced gave.

Each test keeps the replaced code as a reference and asserts equality to the last bit
(``assert_array_equal``), on data with the awkward cases: duplicate keys, persons in several
cities, empty strata, quarters that hold no row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from capacity.models.population.replicates import quarter_counts
from capacity.models.stays import build_stays, fit_stays
from capacity.models.stays.deconvolve import SHRINK_DAYS, _densities
from capacity.models.stays.strata import source_strata
from capacity.models.strategy import _stay_index


def _sightings(seed=3, n=4000, cities=("A", "B", "C")):
    rng = np.random.default_rng(seed)
    person = rng.integers(0, 600, n)
    return pd.DataFrame(
        {
            "person_id": pd.array([f"p{i:04d}" for i in person], dtype="string"),
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
            "city": pd.array(rng.choice(cities, n), dtype="string"),
            "source": pd.array(
                rng.choice(["ads_a", "ads_b", "outreach", "police"], n), dtype="string"
            ),  # fmt: skip
            "language": pd.array(rng.choice(["ro", "en", None], n), dtype="string"),
        }
    )


def test_stay_index_equals_the_joined_string_key():
    s = _sightings()
    stays = build_stays(s, 14)

    def reference(sightings, stays):  # the code before 30 Nov 2026
        keys = pd.concat(
            [sightings[["person_id", "city"]].astype(str), stays[["person_id", "city"]].astype(str)]
        )
        code = pd.factorize(keys["person_id"] + "\x1f" + keys["city"])[0].astype(np.int64)
        s_code, t_code = code[: len(sightings)], code[len(sightings) :]
        day = pd.to_datetime(sightings["date"]).to_numpy("datetime64[D]").astype(np.int64)
        start = stays["start"].to_numpy("datetime64[D]").astype(np.int64)
        end = stays["end"].to_numpy("datetime64[D]").astype(np.int64)
        base = 1 << 20
        t_key = t_code * base + (start - start.min())
        s_key = s_code * base + (day - start.min())
        order = np.argsort(t_key, kind="stable")
        pos = np.searchsorted(t_key[order], s_key, side="right") - 1
        row = np.where(pos >= 0, order[np.clip(pos, 0, None)], -1)
        ok = (row >= 0) & (t_code[np.clip(row, 0, None)] == s_code) & (day <= end[row])
        return np.where(ok, row, -1)

    for rows, st in ((s, stays), (s[s["source"] == "outreach"], stays),
                     (s[s["city"] == "B"], stays[stays["city"] == "B"].reset_index(drop=True))):  # fmt: skip
        got = _stay_index(rows, st)
        np.testing.assert_array_equal(got, reference(rows, st))
        assert (got >= 0).any() and (got < 0).any() or len(rows) == (got >= 0).sum()


def test_densities_equal_np_add_at():
    rng = np.random.default_rng(0)
    for n_p, n_s, n_b in ((5000, 4, 50), (7, 3, 1), (300, 1, 3)):
        stratum = rng.integers(0, n_s, n_p)
        num = rng.random(n_p) * rng.integers(0, 3, n_p)
        den = rng.random(n_p) * 40
        w = rng.poisson(1.0, (n_p, n_b)).astype(float)
        nk, dk = np.zeros((n_s, n_b)), np.zeros((n_s, n_b))
        np.add.at(nk, stratum, num[:, None] * w)
        np.add.at(dk, stratum, den[:, None] * w)
        pooled = nk.sum(0) / np.maximum(dk.sum(0), 1e-300)
        pooled = np.where(dk.sum(0) > 0, pooled, 0.5)
        expect = np.clip((nk + SHRINK_DAYS * pooled) / (dk + SHRINK_DAYS), 1e-3, 1 - 1e-6).T
        np.testing.assert_array_equal(_densities(num, den, stratum, n_s + 1, w)[:, :n_s],
                                      expect)  # fmt: skip
    # the EM's spread of censored stays: float32 sums in key order, as np.add.at
    cells, keys = rng.integers(0, 500, 800), (rng.random((800, 50)) * 3).astype(np.float32)
    by_add_at = np.zeros((500, 50), np.float32)
    np.add.at(by_add_at, cells, keys)
    add = sparse.csr_matrix((np.ones(800, np.float32), (cells, np.arange(800))), shape=(500, 800))
    by_product = add @ keys
    assert by_product.dtype == np.float32
    np.testing.assert_array_equal(by_product, by_add_at)


def test_margin_values_equal_the_entrywise_division():
    s = _sightings(seed=5, n=6000)
    strata = source_strata(s[s["city"] == "A"], 14)
    fit = fit_stays(build_stays(s, 14), city="A", strata=strata, n_boot=0)
    sp = fit._rows["expander"].spread
    rng = np.random.default_rng(1)
    pmf = rng.random((6, len(strata.labels), sp.k)) + 0.01
    pmf /= pmf.sum(-1, keepdims=True)
    k = sp.k
    conv = np.stack([np.stack([np.convolve(p, p) for p in row]) for row in pmf])
    numer = np.concatenate([conv, pmf, np.ones_like(pmf[..., :1])], axis=-1)
    seen = np.cumsum(pmf, axis=-1)
    num = np.take(numer.reshape(6, -1), sp.stratum * numer.shape[-1] + sp.num, axis=-1)
    p_seen = np.take(seen.reshape(6, -1), sp.stratum * k + np.clip(sp.duration - 1, 0, k - 1),
                     axis=-1)  # fmt: skip
    expect = num / np.maximum(p_seen, 1e-9)
    np.testing.assert_array_equal(sp.values(pmf), expect)
    np.testing.assert_array_equal(sp.values(pmf, dtype=np.float32), expect.astype(np.float32))
    np.testing.assert_array_equal(sp.values(pmf[0]), expect[0])


def test_quarter_cells_select_the_rows_a_quarter_label_selects():
    from capacity.question4.bootstrap import _quarter_cells

    s = _sightings(seed=7)
    s = s[s["date"] < pd.Timestamp("2024-05-01")]  # quarters 2023Q1 … 2024Q2
    persons = pd.Index(pd.unique(s["person_id"]))
    labels = pd.Index(["2023Q1", "2023Q3", "2024Q2", "2022Q4"])  # one quarter holds no row
    got = _quarter_cells(s, labels, persons)
    label = s["date"].dt.to_period("Q").astype(str)
    for q in labels:
        part = s[label == q]
        if part.empty:
            assert got[q][0].nnz == 0
            continue
        cells, lists = quarter_counts(part, persons)
        assert got[q][1] == lists
        assert (got[q][0] != cells).nnz == 0
