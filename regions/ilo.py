"""The ILO's five regions and which countries its regional offices cover.

pycountry supplies the countries themselves (every ISO 3166-1 entry); no package
carries the ILO's grouping, so membership is listed here by region. A country
missing from every list (Antarctica, uninhabited territories) gets no region.
"""

REGIONS = [
    # (code, name, OECD DAC region code used for IATI recipient-region)
    ("africa", "Africa", "298"),
    ("americas", "Americas", "498"),
    ("arab-states", "Arab States", "589"),
    ("asia-pacific", "Asia and the Pacific", "798"),
    ("europe-central-asia", "Europe and Central Asia", "89"),
]

MEMBERS = {
    "africa": (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG "
        "ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW"
    ),
    "americas": (
        "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN HT "
        "JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI"
    ),
    "arab-states": "AE BH IQ JO KW LB OM PS QA SA SY YE",
    "asia-pacific": (
        "AF AS AU BD BN BT CC CK CN CX FJ FM GU HK ID IN IO IR JP KH KI KP KR LA LK MH MM MN MO MP MV "
        "MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TK TL TO TV TW UM VN VU WF WS"
    ),
    "europe-central-asia": (
        "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE IL IM IS "
        "IT JE KG KZ LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TJ TM TR UA UZ VA"
    ),
}


def region_of(alpha_2: str) -> str | None:
    for region, codes in MEMBERS.items():
        if alpha_2 in codes.split():
            return region
    return None


def country_name(country) -> str:
    """The English name as UN bodies write it ("Viet Nam", "Republic of Moldova"), from a pycountry entry.

    ISO's inverted forms ("Moldova, Republic of") read badly in lists, so those
    take the official or common name instead.
    """
    if "," not in country.name:
        return country.name
    return getattr(country, "official_name", None) or getattr(country, "common_name", None) or country.name
