"""LibreOffice counts each key result's open and overdue actions as okrsheet does, after
the actions were typed in with openpyxl (no cached results) and recalculated."""

import datetime as dt

import openpyxl

from okrsheet.read.reader import read_workbook
from okrsheet.sheet import layout
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from scripts.libreoffice import convert

TYPED = [  # action, key result id, due, done (typed by a person, ids in any case)
    ("Call the CFO", "O1.1", dt.datetime(2027, 2, 1), None),
    ("Pricing page", "o1.1", dt.datetime(2027, 3, 1), "no"),
    ("Kick-off", "O1.1", dt.datetime(2027, 1, 5), "yes"),
    ("Forecast method", "O2.2", None, "Yes"),
    ("Win-loss review", "O2.2", dt.datetime(2027, 2, 9), "yes "),  # trailing space: not done
    ("", "O3.1", dt.datetime(2027, 1, 1), None),  # no action typed: not counted
]


def test_open_and_overdue_actions_match_libreoffice(libreoffice, tmp_path):
    tq = starter("sales-team", team="Sales", quarter="2027-Q1")
    tq.as_of = dt.date(2027, 2, 10)
    path = tmp_path / "sales.xlsx"
    write_workbook(tq, path)
    book = openpyxl.load_workbook(path)
    actions = book[layout.ACTIONS_SHEET]
    for row, values in enumerate(TYPED, 2):
        for column, value in enumerate(values, 1):
            actions.cell(row, 1 if column == 1 else column + (1 if column > 2 else 0)).value = value
    book.save(path)
    saved = convert([path], "xlsx", tmp_path / "lo")[0]
    sheet = openpyxl.load_workbook(saved, data_only=True)[layout.OKRS_SHEET]
    read = read_workbook(saved).team_quarter
    compared = 0
    for kr in read.key_results:
        shown = (sheet[layout.address("open_actions", kr.row - 1)].value,
                 sheet[layout.address("overdue_actions", kr.row - 1)].value)
        assert shown == read.action_counts(kr.id, tq.as_of), kr.id
        compared += shown != (0, 0)
    assert read.action_counts("O1.1", tq.as_of) == (2, 1)  # CFO overdue, pricing page open
    assert read.action_counts("O2.2", tq.as_of) == (1, 1)  # "yes " is not yes: due 9 Feb
    assert compared == 2
