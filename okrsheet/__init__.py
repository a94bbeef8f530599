"""okrsheet: run OKRs (Objectives and Key Results) in plain spreadsheets."""

__version__ = "0.1.0"
