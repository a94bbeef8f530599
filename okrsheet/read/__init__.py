"""Reading filled-in workbooks back into the model, with cell-precise problems: one way in
for every format, with the guard and the containment of reader aborts."""
