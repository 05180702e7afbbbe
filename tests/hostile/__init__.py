"""The hostile corpus (tests/hostile/corpus.py)."""
