"""Sources of documents. Each yields ``contracts.documents.Document``s; none knows the index."""
