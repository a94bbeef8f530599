"""Writing workbooks: the starter workbook (formulas, drop-downs, colours, the Guide), the
starters in ``templates/``, and changing a few cells of a person's own file."""
