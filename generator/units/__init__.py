"""Ward/commune-level plans: the units file and the batch."""
