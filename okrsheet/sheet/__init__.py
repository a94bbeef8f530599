"""The workbook: its layout (the row schema), the guard for files that arrive by email, cells
as people type them, the reader and the writer, the side sheets, starters and check-ins."""
