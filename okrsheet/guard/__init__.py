"""The guard for files that arrive by email: hostile or non-spreadsheet files are refused
early, in bounded memory, before any reader sees them."""
