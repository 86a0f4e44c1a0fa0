"""Pure computation over a plan: numbering, amounts, totals, references, and the figures as JSON."""
