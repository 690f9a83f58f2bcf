"""data.read_uci_online_retail: the real UCI files (which learners bring) read into the course schema."""

import pandas as pd
import pytest

from course_utils import data, rfm

UCI_CSV = """InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom
C536379,71053,WHITE METAL LANTERN,-2,12/1/2010 9:41,3.39,17850.0,United Kingdom
536380,POST,POSTAGE,1,12/2/2010 9:41,18.0,12583.0,France
536381,22423,REGENCY CAKESTAND 3 TIER,2,12/9/2010 14:05,12.75,12583.0,France
"""

UCI_II_CSV = """Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom
489435,22350,CAT BOWL,12,2009-12-01 07:46:00,2.55,13085.0,United Kingdom
489436,22423,REGENCY CAKESTAND 3 TIER,1,2009-12-02 09:06:00,12.75,13078.0,United Kingdom
"""


def test_reads_the_original_csv(tmp_path):
    path = tmp_path / "Online Retail.csv"
    path.write_text(UCI_CSV, encoding="latin-1")
    df = data.read_uci_online_retail(path)
    assert str(df["CustomerID"].dtype) == "Int64" and df["CustomerID"].iloc[0] == 17850
    assert df["InvoiceDate"].iloc[0] == pd.Timestamp("2010-12-01 08:26")
    assert df["InvoiceNo"].iloc[3] == "C536379"
    clean, _ = rfm.clean_transactions(df)
    table = rfm.compute_rfm(clean, amount_col="Amount", invoice_col="InvoiceNo")
    assert table.loc[17850, "frequency"] == 1
    assert table.loc[17850, "monetary"] == pytest.approx(6 * 2.55 + 4 * 3.39)  # 2 lanterns cancelled
    assert table.loc[12583, "recency"] == 1


def test_reads_online_retail_ii_names(tmp_path):
    path = tmp_path / "online_retail_II.csv"
    path.write_text(UCI_II_CSV)
    df = data.read_uci_online_retail(path)
    assert {"InvoiceNo", "UnitPrice", "CustomerID"} <= set(df.columns)
    assert df["InvoiceDate"].iloc[2] == pd.Timestamp("2009-12-02 09:06")


def test_bad_files_get_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="download the UCI file yourself"):
        data.read_uci_online_retail(tmp_path / "nope.csv")
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"other\.csv has no column 'InvoiceNo'"):
        data.read_uci_online_retail(path)
