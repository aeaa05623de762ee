"""The data model: papers and digests as records (`model`), the declared tables (`schema`), and
the tidy tables built from digests (`tables`)."""
