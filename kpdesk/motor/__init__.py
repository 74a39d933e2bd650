"""The motor role: course runs (gjennomføringer) from the needs they serve to the finished class,
and the year's figures. No Qt; ``reports/annual.py`` prints the figures, ``transfer/runs.py``
imports runs."""
