"""The build cache `.pactsite-cache/`: stored values, cached pages and the last build's state."""
