"""RFM: clean transactions, compute Recency/Frequency/Monetary, score and name them.

>>> clean, report = clean_transactions(raw)                               # doctest: +SKIP
>>> rfm = compute_rfm(clean, amount_col="Amount", invoice_col="InvoiceNo")  # doctest: +SKIP
>>> scores = rfm_scores(rfm)                                              # doctest: +SKIP
>>> scores["segment"] = rfm_segments(scores)                              # doctest: +SKIP

Every function checks its input at the door and raises an error that names the
column or value that is wrong and says what was expected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course_utils.validation import (
    date_argument,
    float_values,
    parse_dates,
    require_columns,
    require_complete,
    require_finite,
    require_ids,
    require_numeric,
)

#: Stock codes in the UCI Online Retail data that are not products.
NON_PRODUCT_CODES = frozenset(
    {"POST", "DOT", "M", "BANK CHARGES", "C2", "PADS", "CRUK", "D", "S", "B", "AMAZONFEE", "ADJUST", "GIFT"}
)

RFM_COLUMNS = ("recency", "frequency", "monetary")


# -- cleaning -------------------------------------------------------------------
def clean_transactions(
    df: pd.DataFrame,
    *,
    invoice_col: str = "InvoiceNo",
    stock_col: str = "StockCode",
    quantity_col: str = "Quantity",
    price_col: str = "UnitPrice",
    customer_col: str = "CustomerID",
    date_col: str = "InvoiceDate",
    amount_col: str = "Amount",
    non_product_codes=NON_PRODUCT_CODES,
    net_cancellations: bool = True,
):
    """Clean Online-Retail-style line items for customer analytics.

    Steps, in order (each one's count is in the report):

    1. **missing customer id**: a line without a customer cannot be segmented.
    2. **missing invoice, stock code, quantity, price or date**: a line
       without them cannot be told apart from a cancellation or a non-product
       line, has no amount or no time (empty text dates count as missing);
       the note counts them per column.
    3. **duplicate line**: copies of an earlier line in the six columns above
       (double submits). Other columns, such as a row number added by an
       export, are ignored, so they cannot hide a copy.
    4. **non-product code**: postage, bank charges, manual fixes... (``non_product_codes``).
    5. **stock adjustment**: negative quantity on an invoice that is not a cancellation.
    6. **zero or negative price**: free gifts and accounting fixes on purchases.
    7. **cancellations netted**: each cancellation line (invoice starting with "C")
       is matched to purchases of the *same customer and stock code made at or
       before the cancellation*, most recent first, and their quantities are
       reduced. Purchase lines netted to zero are removed, then every
       cancellation line is removed. Quantity with no purchase to match (the
       purchase predates the data) is dropped and counted in the note.
       With ``net_cancellations=False`` cancellation lines are just dropped.

    Returns
    -------
    clean : DataFrame
        The kept lines, with ``amount_col`` = quantity x price added (replacing
        any column of that name).
    report : DataFrame
        One row per step: ``step``, ``rows_removed``, ``rows_left``, ``note``.

    Raises
    ------
    ValueError
        A missing column (the message lists those present), unparseable or
        ambiguous dates (05/03/2011: convert them first with an explicit
        format), infinite quantities or prices, empty input, or a step that
        removes every row (the message names it).
    """
    cols = [invoice_col, stock_col, quantity_col, price_col, customer_col, date_col]
    require_columns(df, cols)
    if len(df) == 0:
        raise ValueError("transactions is empty: there is nothing to clean")
    require_numeric(df, quantity_col)
    require_numeric(df, price_col)
    require_finite(df[quantity_col], quantity_col, "lines")
    require_finite(df[price_col], price_col, "lines")
    work = df.copy()
    work[date_col] = parse_dates(work[date_col], date_col)
    invoice = work[invoice_col].astype("string").str.strip()
    is_cancel = invoice.str.upper().str.startswith("C").fillna(False).to_numpy(dtype=bool)

    report = []

    def step(name, drop_mask, note="", columns=()):
        nonlocal work, is_cancel
        drop_mask = np.asarray(drop_mask, dtype=bool)
        before = len(work)
        work, is_cancel = work[~drop_mask], is_cancel[~drop_mask]
        report.append({"step": name, "rows_removed": before - len(work), "rows_left": len(work), "note": note})
        if len(work) == 0:
            raise ValueError(f"cleaning removed every row at step {name!r}; check the input and the step's "
                             f"column(s) {', '.join(map(repr, columns))}")

    step("missing customer id", work[customer_col].isna(), columns=[customer_col])
    needed = [invoice_col, stock_col, quantity_col, price_col, date_col]
    holes = work[needed].isna()
    step("missing invoice, stock code, quantity, price or date", holes.any(axis=1),
         ", ".join(f"{c}: {int(n)}" for c, n in holes.sum().items() if n), columns=needed)
    require_ids(work[customer_col], customer_col, "lines")
    require_ids(work[invoice_col], invoice_col, "lines")
    step("duplicate line", work.duplicated(subset=cols, keep="first"), columns=cols)
    codes = {str(c).strip().upper() for c in non_product_codes}
    step("non-product code", work[stock_col].astype("string").str.strip().str.upper().isin(codes).fillna(False),
         columns=[stock_col])
    step("stock adjustment", (float_values(work[quantity_col]) < 0) & ~is_cancel, columns=[quantity_col, invoice_col])
    step("zero or negative price", (float_values(work[price_col]) <= 0) & ~is_cancel, columns=[price_col])

    if net_cancellations:
        quantity, reduced, unmatched = _net_cancellations(
            work, is_cancel, customer_col, stock_col, quantity_col, date_col
        )
        # netted quantities are whole units: keep the column's dtype (Int64 too)
        work = work.assign(**{quantity_col: pd.Series(quantity, index=work.index).astype(work[quantity_col].dtype)})
        step(
            "purchase fully cancelled",
            (quantity <= 0) & ~is_cancel,
            f"{reduced} purchase lines reduced in part; {unmatched} cancelled units had no earlier purchase",
            columns=[invoice_col, quantity_col],
        )
    step("cancellation line", is_cancel, columns=[invoice_col])
    work = work.assign(**{amount_col: work[quantity_col] * work[price_col]})
    require_finite(work[amount_col], f"{amount_col} (quantity x price)", "lines")
    return work.reset_index(drop=True), pd.DataFrame(report)


def _net_cancellations(work, is_cancel, customer_col, stock_col, quantity_col, date_col):
    """Net cancelled quantities against matching purchases (see clean_transactions)."""
    quantity = float_values(work[quantity_col]).copy()
    customers = work[customer_col].to_numpy()
    stocks = work[stock_col].astype(str).to_numpy()
    dates = work[date_col].to_numpy()
    cancel_pos = np.flatnonzero(is_cancel & (quantity < 0))
    if len(cancel_pos) == 0:
        return quantity, 0, 0
    keys = list(zip(customers, stocks))
    wanted = {keys[p] for p in cancel_pos}
    purchase_pos = np.flatnonzero(~is_cancel & np.fromiter((k in wanted for k in keys), bool, len(keys)))
    by_key = {}
    for pos in purchase_pos[np.argsort(dates[purchase_pos], kind="stable")]:
        by_key.setdefault(keys[pos], []).append(pos)
    touched, unmatched = set(), 0
    for pos in cancel_pos[np.argsort(dates[cancel_pos], kind="stable")]:
        left = -quantity[pos]
        for cand in reversed(by_key.get(keys[pos], [])):
            if left <= 0:
                break
            if dates[cand] > dates[pos] or quantity[cand] <= 0:
                continue
            take = min(left, quantity[cand])
            quantity[cand] -= take
            left -= take
            touched.add(cand)
        unmatched += int(left)
    reduced = sum(1 for p in touched if quantity[p] > 0)
    return quantity, reduced, unmatched


# -- RFM ------------------------------------------------------------------------
def compute_rfm(
    transactions: pd.DataFrame,
    customer_col: str = "CustomerID",
    date_col: str = "InvoiceDate",
    amount_col: str = "Amount",
    invoice_col: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """One row per customer: recency, frequency and monetary value.

    Parameters
    ----------
    transactions : DataFrame
        Clean purchases, any column names (e.g. customer_id, date, dollar_value).
    customer_col, date_col, amount_col : str
        The customer id, the purchase time, and the money of each row.
    invoice_col : str, optional
        When given, frequency counts distinct invoices (orders); otherwise each
        row counts as one purchase. Line-item data needs it: five lines of one
        invoice are one visit, not five.
    as_of : date-like, optional
        The snapshot date recency is measured from. Defaults to the day after the
        last transaction, so the most recent customers have recency 1. A number
        (20111210) or text that reads both ways (05/03/2011) is refused.

    Returns
    -------
    DataFrame indexed by customer with int ``recency`` (whole days from
    ``as_of`` to the last purchase), int ``frequency`` and float ``monetary``.

    Raises
    ------
    ValueError
        Missing customers, amounts, dates or invoices (a missing amount is not
        0: drop or fill it), infinite amounts or a monetary total too large for
        a float, dates that are numbers or read both ways (05/03/2011), an
        ``as_of`` before the last purchase.
    """
    cols = [customer_col, date_col, amount_col] + ([invoice_col] if invoice_col is not None else [])
    require_columns(transactions, cols)
    if len(transactions) == 0:
        raise ValueError("transactions is empty: there is no customer to compute RFM for")
    require_numeric(transactions, amount_col)
    require_ids(transactions[customer_col], customer_col, "rows",
                "drop them first (clean_transactions does), since a purchase without a customer cannot be scored")
    require_complete(transactions[amount_col], amount_col, "rows",
                     "drop or fill them first: a missing amount is not 0 (clean_transactions drops such lines)")
    require_finite(transactions[amount_col], amount_col)
    if invoice_col is not None:
        require_ids(transactions[invoice_col], invoice_col, "rows",
                    "drop them, or leave invoice_col out to count every row as a purchase")
    dates = parse_dates(transactions[date_col], date_col)
    require_complete(dates, date_col, "rows", "drop or fix them first (clean_transactions drops such lines)")
    last_day = dates.max().normalize()
    if as_of is None:
        snapshot = last_day + pd.Timedelta(days=1)
    else:
        snapshot = date_argument(as_of, "as_of").normalize()
        if last_day > snapshot:
            raise ValueError(
                f"as_of={snapshot.date()} is before the last transaction ({last_day.date()}); "
                "recency would be negative. Use a later date or filter the transactions first."
            )
    customers = transactions[customer_col].reset_index(drop=True)  # keeps its dtype (e.g. Int64)
    frame = pd.DataFrame({"c": customers, "d": dates.reset_index(drop=True),
                          "m": transactions[amount_col].reset_index(drop=True)})
    grouped = frame.groupby("c", sort=True)
    last = grouped["d"].max()
    out = pd.DataFrame(index=last.index)
    out["recency"] = (snapshot - last.dt.normalize()).dt.days.astype("int64")
    if invoice_col is None:
        out["frequency"] = grouped.size().astype("int64")
    else:
        pairs = pd.DataFrame({"c": customers, "i": transactions[invoice_col].reset_index(drop=True)})
        out["frequency"] = pairs.drop_duplicates().groupby("c", sort=True).size().astype("int64")
    with np.errstate(over="ignore"):  # an overflow is refused just below
        out["monetary"] = grouped["m"].sum().astype("float64")
    require_finite(out["monetary"], "monetary", "customers")
    out.index.name = customer_col
    return out


def check_rfm(rfm, columns=RFM_COLUMNS):
    """Raise unless ``rfm`` has numeric, complete recency/frequency/monetary columns."""
    require_columns(rfm, columns, what="rfm")
    if len(rfm) == 0:
        raise ValueError("rfm is empty: there are no customers to score")
    for c in columns:
        require_numeric(rfm, c)
        if rfm[c].isna().any():
            raise ValueError(f"rfm column {c!r} has {int(rfm[c].isna().sum())} missing values")
        require_finite(rfm[c], c, "customers")


def rfm_scores(rfm: pd.DataFrame, q: int = 5) -> pd.DataFrame:
    """Score recency, frequency and monetary from 1 to ``q``; higher is better.

    Recency is reversed: the most recent customers score ``q``. Scores come from
    each customer's rank: ``score = 1 + floor(q * (rank - 1) / n)`` where
    ``rank`` is the *lowest* rank among tied values. Ties are handled on purpose:
    identical customers always get the same score, even when that leaves a band
    larger or smaller than n/q (with many one-time buyers, F = 2 may not occur).
    ``pd.qcut`` would instead fail on duplicate edges, or split equal customers.

    Returns
    -------
    DataFrame with int ``r_score``, ``f_score``, ``m_score`` and the text
    ``rfm_score`` such as ``"545"``, indexed like ``rfm``.
    """
    check_rfm(rfm)
    if isinstance(q, bool) or not isinstance(q, (int, np.integer)) or not 2 <= q <= 10:
        raise ValueError(f"q must be a whole number of score bands from 2 to 10, got {q!r}")
    n = len(rfm)

    def score(values):
        rank = values.rank(method="min")
        return (1 + np.floor(q * (rank - 1) / n)).clip(1, q).astype("int64")

    out = pd.DataFrame(index=rfm.index)
    out["r_score"] = score(-rfm["recency"])
    out["f_score"] = score(rfm["frequency"])
    out["m_score"] = score(rfm["monetary"])
    out["rfm_score"] = out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    return out


#: The named R x F grid: RFM_GRID[r - 1][f - 1] is the segment of scores (r, f).
RFM_GRID = (
    ("Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"),  # r = 1
    ("Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"),  # r = 2
    ("About to Sleep", "About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"),  # r = 3
    ("Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"),  # r = 4
    ("New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"),  # r = 5
)


def rfm_segments(scores: pd.DataFrame) -> pd.Series:
    """Name each customer's segment from their R and F scores (1 to 5).

    Every one of the 25 (r, f) cells maps to exactly one name (see ``RFM_GRID``);
    monetary is left out on purpose, as in the classic grid, and used later to
    rank customers within a segment.
    """
    require_columns(scores, ["r_score", "f_score"], what="scores")
    out = []
    for col in ("r_score", "f_score"):
        s = scores[col]
        ok = s.notna() & s.isin(range(1, 6))
        if not ok.all():
            bad = s[~ok].iloc[0]
            raise ValueError(f"{col} must hold whole scores from 1 to 5 (q=5), got {bad!r}")
        out.append(s.astype("int64").to_numpy())
    r, f = out
    names = np.array(RFM_GRID, dtype=object)[r - 1, f - 1]
    return pd.Series(names, index=scores.index, name="segment")
