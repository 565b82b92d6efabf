"""What a build reads from other sites: one safe HTTP client (`http.py`) for all of it."""
