"""Themes: definitions and scoring rules (`rules`), the sentence index they search (`sentences`),
per-paper curation (`curation`) and evaluation against hand labels (`evaluate`)."""
