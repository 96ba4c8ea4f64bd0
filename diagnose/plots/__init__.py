"""Charts (seaborn/matplotlib). Each function returns a matplotlib Axes."""
