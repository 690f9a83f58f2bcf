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
    # every date of this extract reads both ways (12/1 and 1/12): the reader asks
    with pytest.raises(ValueError, match=r"'12/1/2010 8:26' that read as day/month or month/day.*dayfirst"):
        data.read_uci_online_retail(path)
    df = data.read_uci_online_retail(path, dayfirst=False)
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


def test_a_day_above_12_settles_the_convention(tmp_path):
    path = tmp_path / "Online Retail.csv"
    path.write_text(UCI_CSV + "536390,22423,REGENCY CAKESTAND 3 TIER,1,12/13/2010 10:00,12.75,12583.0,France\n")
    df = data.read_uci_online_retail(path)
    assert df["InvoiceDate"].iloc[0] == pd.Timestamp("2010-12-01 08:26")
    assert df["InvoiceDate"].iloc[-1] == pd.Timestamp("2010-12-13 10:00")


EUROPEAN = """InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country
536365;85123A;WHITE HANGING HEART T-LIGHT HOLDER, LARGE;6;05/03/2011 08:26;2,55;17850;United Kingdom
536366;71053;WHITE METAL LANTERN;6;25/03/2011 08:26;3,39;17850;United Kingdom
536367;22633;HAND WARMER UNION JACK;6;01/04/2011 09:00;1,85;17850;United Kingdom
536368;22423;REGENCY CAKESTAND 3 TIER;1;31/05/2011 10:00;12,75;12583;France
"""


def test_a_semicolon_export_with_day_first_dates_and_decimal_commas(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EUROPEAN)
    df = data.read_uci_online_retail(path)  # separator sniffed from the header
    assert df["InvoiceDate"].tolist()[:3] == [pd.Timestamp("2011-03-05 08:26"), pd.Timestamp("2011-03-25 08:26"),
                                              pd.Timestamp("2011-04-01 09:00")]
    assert df["UnitPrice"].tolist() == [2.55, 3.39, 1.85, 12.75]
    assert df["Description"].iloc[0] == "WHITE HANGING HEART T-LIGHT HOLDER, LARGE"
    clean, _ = rfm.clean_transactions(df)
    table = rfm.compute_rfm(clean, invoice_col="InvoiceNo")
    assert table.loc[17850, "recency"] == 61  # 1 April to the 1 June snapshot; read month-first it was 148
    same = data.read_uci_online_retail(path, sep=";", date_format="%d/%m/%Y %H:%M")
    pd.testing.assert_frame_equal(df, same)


def test_separator_and_date_problems_are_explained(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EUROPEAN)
    with pytest.raises(ValueError, match=r"export\.csv has no column 'InvoiceNo'"):
        data.read_uci_online_retail(path, sep=",")
    with pytest.raises(ValueError, match="sep must be one character"):
        data.read_uci_online_retail(path, sep=";;")
    with pytest.raises(ValueError, match=r"not dates with date_format='%m/%d/%Y %H:%M', e\.g\. '25/03/2011 08:26'"):
        data.read_uci_online_retail(path, date_format="%m/%d/%Y %H:%M")
    with pytest.raises(ValueError, match="2 value.s. that are not dates when read with dayfirst=False, e.g. '25/03"):
        data.read_uci_online_retail(path, dayfirst=False)  # told month-first, but 25/03 cannot be
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(EUROPEAN.replace("01/04/2011", "04/13/2011"))
    with pytest.raises(ValueError, match=r"mixes day-first dates \(e\.g\. '25/03/2011 08:26'\) and month-first"):
        data.read_uci_online_retail(mixed)
    one_column = tmp_path / "one.csv"
    one_column.write_text("hello\nworld\n")
    with pytest.raises(ValueError, match="none of the separators"):
        data.read_uci_online_retail(one_column)
    odd_ids = tmp_path / "ids.csv"
    odd_ids.write_text(UCI_CSV.replace("17850.0", "C17850", 1))
    with pytest.raises(ValueError, match="'CustomerID' must hold numbers, found 'C17850'"):
        data.read_uci_online_retail(odd_ids, dayfirst=False)


def test_a_comma_in_a_number_is_read_only_where_it_cannot_be_a_thousands_separator(tmp_path):
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(UCI_CSV.replace(",2.55,", ',"2,55",', 1))  # a comma file: 2,55 or 255?
    with pytest.raises(ValueError, match="'UnitPrice' must hold numbers, found '2,55'"):
        data.read_uci_online_retail(quoted, dayfirst=False)
    thousands = tmp_path / "thousands.csv"
    thousands.write_text(EUROPEAN.replace("12,75", "1.212,75"))
    with pytest.raises(ValueError, match="found '1.212,75'.*thousands='.'"):
        data.read_uci_online_retail(thousands)
