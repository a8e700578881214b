"""Every kind of file the landing folder understands; a file none recognizes is reported."""

from orchestration.customs.gacc_query import GACC_QUERY_CSV
from orchestration.customs.published_figures import PUBLISHED_FIGURES

ALL_KINDS = (PUBLISHED_FIGURES, GACC_QUERY_CSV)
