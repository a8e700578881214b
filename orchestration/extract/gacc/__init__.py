"""Readers of GACC files: the query platform's CSV and Excel exports (and their bulk path),
and the English preliminary table saved as HTML or Excel."""
