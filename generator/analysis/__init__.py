"""Analysis of hand-typed documents: arithmetic audit and import into plan data."""
