"""Names of IATI codes the product shows, put in the catalogues (locale/) for makemessages.

The codelists have no Spanish names, and no French ones for codes added after 2018 (15190
among them); iati.codelists.Codelist.translated() looks these up with gettext. Add the name
of a code here when the portfolio starts to use it.
"""
from django.utils.translation import gettext_noop

NAMES = (
    gettext_noop("Facilitation of orderly, safe, regular and responsible migration and mobility"),  # Sector 15190
    gettext_noop("Government and civil society, general"),  # SectorCategory 151
)
