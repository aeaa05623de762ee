"""What the notebooks show: findings in abstracts, related papers, summary tables, plots, and what a
synthesis discusses."""
