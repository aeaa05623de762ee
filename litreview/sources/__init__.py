"""Sources of papers, one module each. The Hugging Face papers digest is the first."""
