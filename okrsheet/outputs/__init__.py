"""What people read: one module per output (scorecard, terminal tables, markdown, the
summary workbook, the status page, the dashboard, the alignment tree)."""
