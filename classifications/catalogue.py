"""Names of IATI codes the product shows, put in the catalogues (locale/) for makemessages.

The codelists have no Spanish names, and no French ones for codes added after 2018 (15190
among them); iati.codelists.Codelist.translated() looks these up with gettext. Add the name
of a code here when the portfolio starts to use it.
"""
from django.utils.translation import gettext_noop

NAMES = (
    gettext_noop("Facilitation of orderly, safe, regular and responsible migration and mobility"),  # Sector 15190
    gettext_noop("Government and civil society, general"),  # SectorCategory 151
    # PolicyMarker (the project page and sheet name a project's markers)
    gettext_noop("Gender Equality"),
    gettext_noop("Aid to Environment"),
    gettext_noop("Participatory Development/Good Governance"),
    gettext_noop("Trade Development"),
    gettext_noop("Aid Targeting the Objectives of the Convention on Biological Diversity"),
    gettext_noop("Aid Targeting the Objectives of the Framework Convention on Climate Change - Mitigation"),
    gettext_noop("Aid Targeting the Objectives of the Framework Convention on Climate Change - Adaptation"),
    gettext_noop("Aid Targeting the Objectives of the Convention to Combat Desertification"),
    gettext_noop("Reproductive, Maternal, Newborn and Child Health (RMNCH)"),
    gettext_noop("Disaster Risk Reduction(DRR)"),
    gettext_noop("Disability"),
    gettext_noop("Nutrition"),
    # PolicySignificance
    gettext_noop("not targeted"),
    gettext_noop("significant objective"),
    gettext_noop("principal objective"),
    gettext_noop("principal objective AND in support of an action programme"),
    gettext_noop("Explicit primary objective"),
)
