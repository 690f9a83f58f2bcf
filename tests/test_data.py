"""Shipped datasets: load by name, checksums, byte-for-byte regeneration, restore."""

import shutil

import pandas as pd
import pytest

from course_utils import data


def test_checksums_cover_every_dataset():
    sums = data.expected_checksums()
    for spec in data.DATASETS.values():
        assert spec.filename in sums


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_shipped_file_matches_its_checksum(name):
    ok, problem = data.verify(name)
    assert ok, problem


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_generator_rebuilds_the_shipped_bytes(name, tmp_path):
    spec = data.DATASETS[name]
    rebuilt = spec.write(tmp_path / spec.filename)
    assert data.sha256(rebuilt) == data.expected_checksums()[spec.filename]


def test_tour_orders_schema_and_planted_mess():
    orders = data.load("tour_orders")
    assert list(orders.columns) == ["order_id", "customer_id", "order_date", "country", "items", "amount"]
    assert pd.api.types.is_datetime64_any_dtype(orders["order_date"])
    assert orders["order_id"].is_unique and len(orders) == 400
    missing = orders["customer_id"].isna().mean()
    assert 0.02 < missing < 0.12
    assert (orders["items"] >= 1).all() and (orders["amount"] > 0).all()
    assert orders["order_date"].dt.year.eq(2024).all()
    # one customer, one country
    assert orders.dropna(subset=["customer_id"]).groupby("customer_id")["country"].nunique().max() == 1


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="tour_orders"):
        data.load("tour_order")
    with pytest.raises(TypeError, match="must be a string"):
        data.load(3)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    for f in data.data_dir().iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return tmp_path


def test_missing_file_error_gives_the_restore_command(data_copy):
    (data_copy / "tour_orders.csv").unlink()
    with pytest.raises(FileNotFoundError, match="python -m course_utils data --restore tour_orders"):
        data.load("tour_orders")


def test_restore_rebuilds_missing_and_damaged_files(data_copy):
    (data_copy / "tour_orders.csv").unlink()
    assert data.restore() == ["tour_orders"]
    assert data.verify("tour_orders") == (True, "")
    with open(data_copy / "tour_orders.csv", "a") as fh:
        fh.write("O99999,C0001,2024-01-01,France,1,1.00\n")
    ok, problem = data.verify("tour_orders")
    assert not ok and "has changed" in problem
    assert data.restore(["tour_orders"]) == ["tour_orders"]
    assert data.restore() == []  # nothing left to do


def test_list_datasets_describes_every_file():
    table = data.list_datasets()
    assert set(table["name"]) == set(data.DATASETS)
    assert table["size_kb"].notna().all()


def test_restore_command_shows_a_step_per_rebuilt_file(data_copy, capsys):
    from course_utils.course.cli import main

    (data_copy / "tour_orders.csv").unlink()
    assert main(["data", "--restore"]) == 0
    captured = capsys.readouterr()
    assert "restored: tour_orders" in captured.out
    assert "rebuilding datasets" in captured.err and "1/1" in captured.err  # tqdm's line
    assert main(["data", "--restore"]) == 0
    assert "nothing (all files verified)" in capsys.readouterr().out
