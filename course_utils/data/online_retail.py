"""Online Retail (notebook 01): the UCI Online Retail schema, a seeded generator with
planted truth, the course file's reader, and a reader for the real UCI files.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data._dataset import Dataset
from course_utils.data._files import price_text, write_gzip
from course_utils.rfm import NON_PRODUCT_CODES
from course_utils.validation import parse_dates, require_columns

COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
FIRST_DAY = date(2010, 12, 1)
LAST_DAY = date(2011, 12, 9)  # the snapshot date for RFM is the day after

#: Planted behaviour segments: share of customers, days since the last purchase,
#: number of invoices, and value of a typical basket. Ranges are sampled uniformly
#: (recency) or log-uniformly (invoices, basket).
SEGMENTS = {
    "champions": dict(share=0.10, recency=(1, 25), invoices=(10, 36), basket=(300, 900)),
    "loyal": dict(share=0.18, recency=(3, 75), invoices=(4, 12), basket=(150, 400)),
    "new": dict(share=0.13, recency=(1, 45), invoices=(1, 2), basket=(100, 420)),
    "at_risk": dict(share=0.15, recency=(90, 240), invoices=(3, 11), basket=(180, 500)),
    "lost": dict(share=0.32, recency=(170, 373), invoices=(1, 2), basket=(40, 240)),
    "big_spenders": dict(share=0.12, recency=(5, 150), invoices=(1, 4), basket=(1300, 5000)),
}

#: The non-product lines the generator plants: code -> (description, unit price or None).
#: Every code is one of :data:`course_utils.rfm.PLANTED_NON_PRODUCT_LINES`.
PLANTED_NON_PRODUCT_LINES = {
    "POST": ("POSTAGE", 18.00),
    "DOT": ("DOTCOM POSTAGE", None),
    "M": ("Manual", None),
    "BANK CHARGES": ("Bank Charges", 15.00),
    "C2": ("CARRIAGE", 50.00),
    "PADS": ("PADS TO MATCH ALL CUSHIONS", 0.001),
}

_ADJECTIVES = ["VINTAGE", "RETRO", "SET OF 3", "SMALL", "LARGE", "JUMBO", "MINI", "REGENCY", "WOODEN", "GLASS",
               "ENAMEL", "CERAMIC", "PAPER", "HANGING", "FOLDING", "SCANDINAVIAN", "FRENCH", "ANTIQUE", "PACK OF 12"]
_COLOURS = ["WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "SILVER", "GOLD", "BLACK", "PASTEL", "SPOTTY",
            "STRIPY", "FLORAL", "CREAM", "HEART"]
_NOUNS = ["T-LIGHT HOLDER", "LUNCH BAG", "CAKE STAND", "TEA CUP", "DOORMAT", "JAM JAR", "PHOTO FRAME",
          "BUNTING", "CHRISTMAS DECORATION", "CUSHION COVER", "NAPKINS", "NOTEBOOK", "ALARM CLOCK",
          "HOT WATER BOTTLE", "STORAGE TIN", "WALL SIGN", "BAKING SET", "PURSE", "CANDLE", "MUG"]
_COUNTRIES = [("United Kingdom", 0.885), ("Germany", 0.024), ("France", 0.022), ("EIRE", 0.012),
              ("Spain", 0.008), ("Belgium", 0.007), ("Netherlands", 0.006), ("Switzerland", 0.006),
              ("Portugal", 0.006), ("Australia", 0.005), ("Norway", 0.005), ("Italy", 0.005),
              ("Sweden", 0.004), ("Denmark", 0.003), ("Japan", 0.002)]


def _retail_catalogue(rng, n=900):
    """StockCode, Description, UnitPrice and popularity of each product."""
    codes, descriptions, seen = [], [], set()
    while len(codes) < n:
        code = str(rng.integers(20600, 23400))
        if rng.random() < 0.12:
            code = str(rng.integers(84000, 90300)) + "ABCDEFG"[rng.integers(0, 7)]
        text = f"{_ADJECTIVES[rng.integers(len(_ADJECTIVES))]} {_COLOURS[rng.integers(len(_COLOURS))]} " \
               f"{_NOUNS[rng.integers(len(_NOUNS))]}"
        if code in seen or text in descriptions:
            continue
        seen.add(code)
        codes.append(code)
        descriptions.append(text)
    prices = np.clip(np.round(rng.lognormal(np.log(2.6), 0.75, n), 2), 0.19, 39.95)
    popularity = 1.0 / np.arange(1, n + 1) ** 0.9
    return codes, descriptions, prices, popularity / popularity.sum()


def _minutes(day: date, rng) -> str:
    """A timestamp on ``day`` during shop hours, as 'YYYY-MM-DD HH:MM'."""
    minute = int(rng.integers(8 * 60, 19 * 60))
    return f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}"


def _later(when: str, rng) -> str:
    """A time 5 to 90 minutes after ``when`` on the same day (at most 23:59)."""
    day, hm = when.split(" ")
    minute = min(int(hm[:2]) * 60 + int(hm[3:]) + int(rng.integers(5, 91)), 23 * 60 + 59)
    return f"{day} {minute // 60:02d}:{minute % 60:02d}"


def _retail_truth(rng, n_customers: int = 4000) -> list:
    """``[(CustomerID, segment)]``: the draws made right after the catalogue's."""
    names = list(SEGMENTS)
    shares = np.array([SEGMENTS[s]["share"] for s in names])
    segment_of = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    ids = np.sort(rng.choice(np.arange(12346, 18288), size=n_customers, replace=False))
    return [(cid, names[s]) for cid, s in zip(ids.tolist(), segment_of.tolist())]


def online_retail_tables(seed: int = 7) -> tuple:
    """Build the Online Retail line items and the planted truth.

    Returns ``(lines, truth)``: ``lines`` is a list of dicts in the UCI schema
    (before invoice numbers are assigned, with a sortable ``_when`` key), and
    ``truth`` a list of ``(CustomerID, segment)``.
    """
    rng = np.random.default_rng(seed)
    codes, descriptions, prices, popularity = _retail_catalogue(rng)
    truth = _retail_truth(rng)
    n_products = len(codes)
    last_day = LAST_DAY
    span = (LAST_DAY - FIRST_DAY).days
    countries = [c for c, _ in _COUNTRIES]
    weights = np.array([w for _, w in _COUNTRIES])
    weights = weights / weights.sum()

    invoices = []  # (when, customer, country, [(product, qty)], kind)

    def basket_lines(value):
        k = 1 + rng.poisson(min(max(value / 40.0, 3.0), 16.0))
        chosen = rng.choice(n_products, size=min(k, n_products), replace=False, p=popularity)
        share = rng.dirichlet(np.ones(len(chosen)))
        qty = np.maximum(1, np.round(share * value / prices[chosen])).astype(int)
        return list(zip(chosen.tolist(), qty.tolist()))

    for cid, segment in truth:
        spec = SEGMENTS[segment]
        country = countries[rng.choice(len(countries), p=weights)]
        recency = int(rng.integers(spec["recency"][0], spec["recency"][1] + 1))
        lo, hi = spec["invoices"]
        n_inv = int(np.round(np.exp(rng.uniform(np.log(lo), np.log(hi + 0.49)))))
        basket = float(np.exp(rng.uniform(*np.log(spec["basket"]))))
        last = last_day - timedelta(days=recency - 1)
        if segment == "new":
            first = max(FIRST_DAY, last - timedelta(days=int(rng.integers(0, 30))))
        else:
            first = max(FIRST_DAY, last - timedelta(days=int(rng.integers(90, span + 1))))
        window = max((last - first).days, 0)
        days = sorted(set([window] + rng.integers(0, window + 1, size=n_inv - 1).tolist()))
        while len(days) < n_inv:  # two invoices may share a day; keep n_inv invoices
            days.append(days[-1])
        for d in days:
            value = basket * float(rng.lognormal(0, 0.3))
            invoices.append([first + timedelta(days=d), cid, country, basket_lines(value), "sale"])

    # Guest checkouts: no CustomerID, about a fifth of all lines.
    for _ in range(10500):
        day = FIRST_DAY + timedelta(days=int(rng.integers(0, span + 1)))
        invoices.append([day, None, "United Kingdom" if rng.random() < 0.93 else countries[rng.integers(1, 6)],
                         basket_lines(float(rng.lognormal(np.log(150), 0.6))), "guest"])

    # Wholesale outliers (added as lines below): two huge orders cancelled the same day, three kept.
    big = [i for i, (cid, s) in enumerate(truth) if s == "big_spenders"]
    outliers = []
    for j, qty in zip(rng.choice(big, size=5, replace=False).tolist(), [80995, 74215, 12540, 4800, 3114]):
        day = FIRST_DAY + timedelta(days=int(rng.integers(30, span - 30)))
        outliers.append((truth[j][0], day, int(rng.integers(50, n_products)), qty))

    rows = []

    def add(when, invoice_key, code, desc, qty, price, cid, country):
        rows.append({"_when": when, "_inv": invoice_key, "StockCode": code, "Description": desc,
                     "Quantity": int(qty), "UnitPrice": float(price), "CustomerID": cid, "Country": country})

    sales = []
    for k, (day, cid, country, lines, kind) in enumerate(invoices):
        when = _minutes(day, rng)
        key = ("C" if kind == "cancel" else "", when, k)
        for product, qty in lines:
            price = prices[product] if rng.random() > 0.002 else 0.0  # a few free gifts
            add(when, key, codes[product], descriptions[product], qty, price, cid, country)
        if kind == "sale" and cid is not None:
            sales.append((k, day, cid, country, lines, when))
        # non-product lines: postage abroad, dotcom postage for guests, manual fixes
        u = rng.random()
        if cid is not None and country != "United Kingdom" and u < 0.5:
            add(when, key, "POST", "POSTAGE", int(rng.integers(1, 4)), 18.0, cid, country)
        elif cid is None and u < 0.2:
            add(when, key, "DOT", "DOTCOM POSTAGE", 1, round(float(rng.uniform(5, 900)), 2), cid, country)
        elif u < 0.006:
            code = ["M", "BANK CHARGES", "C2", "PADS"][rng.integers(0, 4)]
            desc, price = PLANTED_NON_PRODUCT_LINES[code]
            add(when, key, code, desc, 1, price if price is not None else round(float(rng.uniform(0.5, 300)), 2),
                cid, country)

    for j, (cid, day, product, qty) in enumerate(outliers):
        when = _minutes(day, rng)
        add(when, ("", when, 3 * 10**7 + j), codes[product], descriptions[product], qty, prices[product], cid,
            "United Kingdom")
        if qty > 50000:  # a typing error, cancelled minutes later
            later = _later(when, rng)
            add(later, ("C", later, 3 * 10**7 + j), codes[product], descriptions[product], -qty, prices[product],
                cid, "United Kingdom")

    # Cancellations: about 3% of sales are partly or wholly cancelled a few days later.
    for k, day, cid, country, lines, sold in sales:
        if rng.random() < 0.03:
            cday = min(day + timedelta(days=int(rng.integers(0, 15))), LAST_DAY)
            when = _minutes(cday, rng)
            if when <= sold:  # same day: a cancellation comes after the purchase it cancels
                when = _later(sold, rng)
            key = ("C", when, len(invoices) + k)
            picks = rng.choice(len(lines), size=min(len(lines), 1 + int(rng.integers(0, 3))), replace=False)
            for p in picks.tolist():
                product, qty = lines[p]
                back = qty if rng.random() < 0.7 else max(1, qty // 2)
                add(when, key, codes[product], descriptions[product], -back, prices[product], cid, country)
    # ... and some cancel purchases made before the data starts (nothing to match).
    for j in rng.choice(len(truth), size=60, replace=False).tolist():
        cid = truth[j][0]
        when = _minutes(FIRST_DAY + timedelta(days=int(rng.integers(0, 40))), rng)
        product = int(rng.integers(0, n_products))
        add(when, ("C", when, 10**7 + j), codes[product], descriptions[product], -int(rng.integers(1, 13)),
            prices[product], cid, "United Kingdom")

    # Stock adjustments: negative quantity, no customer, no price, not a cancellation.
    for j in range(180):
        when = _minutes(FIRST_DAY + timedelta(days=int(rng.integers(0, span + 1))), rng)
        product = int(rng.integers(0, n_products))
        add(when, ("", when, 2 * 10**7 + j), codes[product], ["damaged", "?", "check", "wet damaged", "lost"][j % 5],
            -int(rng.integers(1, 200)), 0.0, None, "United Kingdom")

    # Exact duplicate lines (a double-submitted basket line), about 1%.
    for i in rng.choice(len(rows), size=len(rows) // 100, replace=False).tolist():
        rows.append(dict(rows[i]))

    return rows, truth


def write_online_retail(path, seed: int = 7) -> Path:
    """Write ``online_retail.csv.gz``: line items in the UCI Online Retail schema.

    Invoice numbers count up from 536365 in time order, as in the UCI file;
    cancellations carry a "C" prefix. The planted truth goes to
    ``online_retail_truth.csv`` (see :func:`write_online_retail_truth`).
    """
    rows, _ = online_retail_tables(seed)
    rows.sort(key=lambda r: (r["_when"], r["_inv"][2], r["_inv"][0]))
    numbers, next_no = {}, 536365
    for r in rows:
        key = r["_inv"]
        if key not in numbers:
            numbers[key] = next_no
            next_no += 1
        r["InvoiceNo"] = f"{key[0]}{numbers[key]}"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r["InvoiceNo"], r["StockCode"], r["Description"], r["Quantity"], r["_when"],
                         price_text(r["UnitPrice"]), "" if r["CustomerID"] is None else r["CustomerID"], r["Country"]])
    return write_gzip(path, buf.getvalue().encode("utf-8"))


def write_online_retail_truth(path, seed: int = 7) -> Path:
    """Write ``online_retail_truth.csv``: each customer's planted segment.

    Replays only the draws the truth depends on (the catalogue's, then the
    customers'), not the 280k lines that follow them.
    """
    rng = np.random.default_rng(seed)
    _retail_catalogue(rng)
    truth = _retail_truth(rng)
    text = "CustomerID,segment\n" + "".join(f"{cid},{seg}\n" for cid, seg in truth)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path



assert set(PLANTED_NON_PRODUCT_LINES) <= NON_PRODUCT_CODES, "plant only codes that rfm knows"


def read_online_retail(path) -> pd.DataFrame:
    """Read the course's ``online_retail.csv.gz`` with its dtypes."""
    return pd.read_csv(
        path,
        dtype={"InvoiceNo": "string", "StockCode": "string", "Description": "string", "Quantity": "int64",
               "UnitPrice": "float64", "CustomerID": "Int64", "Country": "string"},
        parse_dates=["InvoiceDate"],
        date_format="%Y-%m-%d %H:%M",
    )


def read_online_retail_truth(path) -> pd.DataFrame:
    """Read ``online_retail_truth.csv``: CustomerID, segment."""
    return pd.read_csv(path, dtype={"CustomerID": "Int64", "segment": "string"})


UCI_RENAMES = {"Invoice": "InvoiceNo", "Price": "UnitPrice", "Customer ID": "CustomerID"}
SEPARATORS = (",", ";", "\t", "|")


def _sniff_separator(path: Path, encoding: str) -> str:
    """The separator of a CSV export, read from its header line (column names hold none)."""
    with open(path, "rb") as fh:
        header = fh.readline(1 << 16).decode(encoding, errors="replace")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        raise ValueError(
            f"{path.name}: the first line has none of the separators {SEPARATORS!r} ({header.strip()[:80]!r}); "
            "is it a CSV export of Online Retail? Pass sep='...' if it uses another separator"
        )
    return best


def _decimal_comma(values: pd.Series, column: str, name: str, sep: str) -> pd.Series:
    """Numbers written with a decimal comma (2,55), as European spreadsheets export them.

    Only in a file not separated by commas, and only when no value also holds a
    dot (1.234,50 would be a thousands separator): anything else is refused.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values
    present = values.notna().to_numpy()
    if not present.any():
        return pd.Series(np.nan, index=values.index, name=values.name)
    text = np.strings.strip(np.array(values.to_numpy(dtype=object)[present], dtype=str))
    converted = pd.to_numeric(np.strings.replace(text, ",", "."), errors="coerce")
    bad = np.isnan(converted) | (np.strings.find(text, ".") >= 0)
    if sep == "," or bad.any():
        commas = np.strings.find(text, ",") >= 0
        example = str(text[commas][0] if sep == "," and commas.any() else text[bad][0] if bad.any() else text[0])
        raise ValueError(f"{name}: column {column!r} must hold numbers, found {example!r}; fix the file, or read it "
                         "yourself with pd.read_csv(..., decimal=',', thousands='.') if it writes 1.234,50")
    out = np.full(len(values), np.nan)
    out[present] = converted
    return pd.Series(out, index=values.index, name=values.name)


def read_uci_online_retail(path, *, sep=None, dayfirst=None, date_format=None) -> pd.DataFrame:
    """Read the real UCI Online Retail (or Online Retail II) file, if you have it.

    Accepts the CSV export (dates like ``12/1/2010 8:26``) or the ``.xlsx``
    (needs ``openpyxl``). Online Retail II's column names are renamed to the
    schema of ``load("online_retail")``, so every course function runs on it.
    The course never downloads it: bring your own copy.

    Parameters
    ----------
    path : str or Path
    sep : str, optional
        The CSV separator. By default it is read from the header line: ``,``
        (the UCI export), ``;`` (European spreadsheets, which also write
        decimal commas: ``2,55`` is read as 2.55), tab or ``|``.
    dayfirst : bool, optional
        How to read dates such as ``05/03/2011``. By default the file decides:
        a day above 12 (``25/03/2011``, or ``12/13/2010`` the other way) shows
        the convention. A file whose dates all read both ways (a small
        extract), or that mixes both, is refused until you say.
    date_format : str, optional
        The exact format, e.g. ``"%d/%m/%Y %H:%M"``: the fastest way, and
        the one to use when you know it.

    Raises
    ------
    FileNotFoundError, ValueError
        No file; a file that is not Online Retail (missing columns, one
        column only); dates that do not parse or are ambiguous; customer ids
        that are not whole numbers.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; download the UCI file yourself and pass its path")
    if path.is_dir():
        raise ValueError(f"{path} is a folder; pass the path of the UCI file itself")
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1):
        raise ValueError(f"sep must be one character such as ',' or ';', got {sep!r}")
    if path.suffix.lower() in {".xlsx", ".xls"}:
        try:
            df = pd.read_excel(path, dtype={"InvoiceNo": str, "Invoice": str, "StockCode": str})
        except ImportError as exc:
            raise ImportError(
                "reading .xlsx needs openpyxl: `pip install openpyxl`, or save the sheet as CSV"
            ) from exc
    else:
        with open(path, "rb") as fh:
            try:
                fh.read().decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                encoding = "latin-1"  # the UCI export
        sep = sep if sep is not None else _sniff_separator(path, encoding)
        try:
            df = pd.read_csv(path, sep=sep, dtype={"InvoiceNo": str, "Invoice": str, "StockCode": str},
                             encoding=encoding)
        except (pd.errors.ParserError, ValueError) as exc:
            raise ValueError(f"{path.name} could not be read as a CSV separated by {sep!r}: {exc}. "
                             "Pass sep='...' with the file's separator") from exc
    df = df.rename(columns=UCI_RENAMES)
    require_columns(df, COLUMNS, what=path.name)
    for column in ("Quantity", "UnitPrice"):
        df[column] = _decimal_comma(df[column], column, path.name, sep or ",")
    df["InvoiceDate"] = parse_dates(df["InvoiceDate"], "InvoiceDate", dayfirst=dayfirst, date_format=date_format)
    ids = _decimal_comma(df["CustomerID"], "CustomerID", path.name, sep or ",")
    if ids.notna().any() and (ids.dropna() != ids.dropna().round()).any():
        bad = ids.dropna()[ids.dropna() != ids.dropna().round()].iloc[0]
        raise ValueError(f"{path.name}: column 'CustomerID' must hold whole numbers, found {bad!r}")
    df["CustomerID"] = ids.round().astype("Int64")
    return df


DATASETS = [
    Dataset(
        name="online_retail",
        filename="online_retail.csv.gz",
        description="line items of a UK gift shop, Dec 2010 - Dec 2011, UCI Online Retail schema, messy",
        write=write_online_retail,
        read=read_online_retail,
        notebook="01",
    ),
    Dataset(
        name="online_retail_truth",
        filename="online_retail_truth.csv",
        description="the planted behaviour segment of each online_retail customer",
        write=write_online_retail_truth,
        read=read_online_retail_truth,
        notebook="01",
    ),
]
