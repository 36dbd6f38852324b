"""The index: chunking, incremental updates and search over one SQLite database."""
