"""Every kind of file the landing folder understands, in the order they are tried; a file
none recognizes is reported. Specific layouts come before the catch-all plain-text article."""

from orchestration.customs.gacc_query import GACC_QUERY_CSV
from orchestration.customs.published_figures import PUBLISHED_FIGURES
from orchestration.news.readers import NEWS_KINDS

ALL_KINDS = (PUBLISHED_FIGURES, GACC_QUERY_CSV, *NEWS_KINDS)
