"""The candidate-search vector index of job postings: FAISS main index, live delta and tombstones, index files."""
