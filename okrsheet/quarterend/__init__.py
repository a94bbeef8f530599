"""Quarter end across many workbooks: the summary, copies of one team, calibration and the
history store."""
