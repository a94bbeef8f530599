"""The domain: quarters and the OKR rhythm, the scoring and colour rules, the model, the
guide's checks, carry-over, diff and merge. Plain data and pure functions: no workbook and no
file (it reads only the row schema's names and labels, :mod:`okrsheet.sheet.layout`)."""
