"""Reading filled-in workbooks back into the model, with cell-precise problems:
:func:`okrsheet.read.reader.read_workbook` is the one way in, for every format (the table of
engines in :mod:`okrsheet.read.engines`), with the guard and the containment of reader
aborts (:mod:`okrsheet.read.isolation`)."""
