"""What several test modules share: running the tracker, databases, files, processes,
and the inputs the trend and report tests build."""
