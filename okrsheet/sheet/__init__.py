"""The workbook's contract, shared by reading and writing: the layout (positions, A1
addresses, formulas), the labelled cells, cells as people type them, the look, and the
side sheets (Owners, Actions, Parents)."""
