"""Customs extracts: GACC files and published figures, from landing folder to raw tables."""
