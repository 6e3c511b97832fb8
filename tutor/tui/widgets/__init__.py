"""The app's widgets, one a file; none of them grades or computes."""
