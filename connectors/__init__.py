"""Sources of documents. Each yields ``agent.documents.Document``s; none knows the index."""
