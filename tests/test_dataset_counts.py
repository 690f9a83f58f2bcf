"""Row counts come from the data: list_datasets counts them, the data card's numbers agree,
and no description types a count a second time."""

import re

import pytest

from course_utils import data

#: Where the data card (datasets/README.md) states each file's row count.
CARD_COUNTS = {
    "tour_orders": r"^([\d,]+) web-shop orders",
    "online_retail": r"UCI Online Retail dataset: ([\d,]+) lines",
    "online_retail_truth": r"for all ([\d,]+) customers",
    "clickstream": r"^([\d,]+) rows, [\d,]+ users",
    "clickstream_truth": r"^[\d,]+ rows, ([\d,]+) users",
    "clickstream_pages": r"^[\d,]+ rows, [\d,]+ users, ([\d,]+) pages",
    "streaming_watch": r"([\d,]+) titles watched",
    "streaming_search": r"([\d,]+) searches",
    "streaming_subscribers": r"with ([\d,]+) subscribers",
}


def card_number(name: str) -> int:
    text = (data.data_dir() / "README.md").read_text(encoding="utf-8")
    found = re.findall(CARD_COUNTS[name], text, flags=re.M)
    assert len(found) == 1, f"the data card should state {name}'s count once ({CARD_COUNTS[name]}), found {found}"
    return int(found[0].replace(",", ""))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(data.DATASETS))
def test_counted_rows_are_the_rows_pandas_reads(name):
    rows = data.list_datasets().set_index("name")["rows"]
    assert rows[name] == len(data.load(name))


@pytest.mark.parametrize("name", list(CARD_COUNTS))
def test_the_data_card_quotes_the_counted_rows(name):
    assert card_number(name) == data.list_datasets().set_index("name").loc[name, "rows"]


def test_descriptions_do_not_repeat_counts():
    for spec in data.DATASETS.values():
        counts = re.findall(r"\b\d+(?:\.\d+)?k\b|\b\d{1,3}(?:,\d{3})+\b", spec.description)
        assert not counts, f"{spec.name}: the description types {counts}; list_datasets() counts rows from the file"


def test_count_rows_handles_a_missing_final_newline(tmp_path):
    plain = tmp_path / "a.csv"
    plain.write_text("x\n1\n2")
    assert data.count_rows(plain) == 2
    plain.write_text("x\n1\n2\n3\n")  # a new version of the file is counted again
    assert data.count_rows(plain) == 3
    header_only = tmp_path / "b.csv"
    header_only.write_text("x\n")
    assert data.count_rows(header_only) == 0
