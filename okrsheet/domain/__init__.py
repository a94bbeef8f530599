"""The domain: quarters and the OKR rhythm, the scoring and colour rules, the model, the
guide's checks, carry-over, diff and merge. Plain data and pure functions: no workbook and no
file: its fields' keys, headers and kinds are :mod:`okrsheet.domain.schema`, and it imports
nothing outside the domain."""
