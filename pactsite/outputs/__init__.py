"""Output families: each module turns the linked site into files; none imports another."""
