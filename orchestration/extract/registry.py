"""Every kind of file the landing folder understands, in the order they are tried; a file
none recognizes is reported. Specific layouts come before the catch-all readers: the GACC
preliminary HTML page before any HTML article, every article reader last."""

from orchestration.extract.comtrade import COMTRADE_KINDS
from orchestration.extract.comtrade_partner_table import COMTRADE_PARTNER_TABLE
from orchestration.extract.gacc.preliminary_html import GACC_PRELIMINARY_HTML
from orchestration.extract.gacc.preliminary_xlsx import GACC_PRELIMINARY_XLSX
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV
from orchestration.extract.gacc.query_xlsx import GACC_QUERY_XLSX
from orchestration.extract.published_figures import PUBLISHED_FIGURES
from orchestration.news.readers import NEWS_KINDS

ALL_KINDS = (
    PUBLISHED_FIGURES,
    GACC_QUERY_CSV,
    GACC_QUERY_XLSX,
    GACC_PRELIMINARY_XLSX,
    GACC_PRELIMINARY_HTML,
    *COMTRADE_KINDS,
    COMTRADE_PARTNER_TABLE,
    *NEWS_KINDS,
)
