"""The words a key-result cell may hold where the sheet offers a drop-down: types, kinds,
confidences, yes or no. The scoring rules give them meaning; the layout offers them."""

KR_TYPES = ("increase", "decrease", "stay above", "stay below", "milestone")
KR_KINDS = ("input", "output", "outcome")
CONFIDENCES = ("high", "medium", "low")
YES_NO = ("yes", "no")
