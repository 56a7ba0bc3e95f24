"""What several test modules share: paths, worker processes and outcome checks."""
