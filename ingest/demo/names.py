"""Fictional bodies for the demo corpus: councils, care providers and a few other authorities.

The demo corpus is published through the same API as real decisions, so a synthetic record
must never carry the name of a real authority (a journalist filtering on "Kent" must not find
invented maladministration). Names are therefore built from invented stems, and every
generated name is checked against `REAL_AUTHORITY_STEMS`, a list of real UK local authority
place names, before it is used.
"""

from __future__ import annotations

import re
import zlib
from typing import Literal

BodyType = Literal["council", "care_provider", "other"]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """LGSCO's slug rule: lowercase, every run of other characters becomes one hyphen."""
    return _NON_ALNUM.sub("-", name.lower()).strip("-")


def _words(text: str) -> list[str]:
    return text.split()


# Real UK local authority place names (and well-known cities/counties). Generated stems that
# collide with any of these are dropped; the test suite checks a subset independently.
REAL_AUTHORITY_NAMES: tuple[str, ...] = tuple(
    _words(
        "Kent Cumbria Warwickshire Lancashire Cambridgeshire Manchester Leeds Birmingham Camden "
        "Devon Cornwall Dorset Essex Surrey Sussex Norfolk Suffolk Hampshire Wiltshire Somerset "
        "Gloucestershire Oxfordshire Berkshire Buckinghamshire Hertfordshire Bedfordshire "
        "Northamptonshire Leicestershire Lincolnshire Nottinghamshire Derbyshire Staffordshire "
        "Shropshire Worcestershire Herefordshire Cheshire Yorkshire Durham Northumberland "
        "Rutland Middlesbrough Hartlepool Stockton Darlington Sunderland Gateshead Newcastle "
        "Liverpool Sefton Wirral Knowsley Halton Warrington Wigan Bolton Bury Rochdale Oldham "
        "Tameside Stockport Trafford Salford Bradford Calderdale Kirklees Wakefield Barnsley "
        "Sheffield Rotherham Doncaster York Hull Coventry Solihull Walsall Wolverhampton Dudley "
        "Sandwell Bristol Bath Plymouth Torbay Exeter Swindon Reading Slough Bracknell Windsor "
        "Maidenhead Wokingham Portsmouth Southampton Brighton Hove Medway Thurrock Southend "
        "Luton Peterborough Milton Keynes Leicester Nottingham Derby Stoke Telford Wrekin "
        "Blackpool Blackburn Darwen Redcar Cleveland Westminster Islington Hackney Lambeth "
        "Southwark Lewisham Greenwich Bexley Bromley Croydon Sutton Merton Kingston Richmond "
        "Hounslow Hillingdon Ealing Brent Harrow Barnet Enfield Haringey Waltham Redbridge "
        "Havering Barking Dagenham Newham Tower Hamlets Wandsworth Hammersmith Fulham "
        "Kensington Chelsea Ashford Ashfield Canterbury Dover Maidstone Sevenoaks Swale Thanet "
        "Tonbridge Malling Tunbridge Wells Dartford Gravesham Carlisle Allerdale Copeland Eden "
        "Barrow Furness Westmorland Lancaster Preston Chorley Burnley Pendle Rossendale "
        "Hyndburn Ribble Fylde Wyre Cambridge Fenland Huntingdonshire Oxford Cherwell "
        "Harborough Charnwood Melton Rushcliffe Broxtowe Gedling Mansfield Bassetlaw Newark "
        "Sherwood Erewash Amber Valley Bolsover Chesterfield Peak High Lichfield Tamworth "
        "Cannock Stafford Newcastle-under-Lyme Bromsgrove Redditch Wychavon Malvern Hills "
        "Forest Stratford Warwick Rugby Nuneaton Bedworth North South East West Mid Central "
        "Exmoor Dartmoor Teignbridge Torridge Mendip Sedgemoor Taunton Deane Purbeck Weymouth "
        "Portland Poole Bournemouth Christchurch Winchester Basingstoke Eastleigh Fareham "
        "Gosport Havant Hart Rushmoor Test Salisbury Chichester Arun Adur Worthing Crawley "
        "Horsham Wealden Rother Hastings Lewes Eastbourne Woking Guildford Waverley Elmbridge "
        "Epsom Ewell Mole Tandridge Reigate Banstead Runnymede Spelthorne Colchester Chelmsford "
        "Braintree Harlow Basildon Brentwood Castle Point Rochford Tendring Uttlesford Maldon "
        "Epping Ipswich Babergh Waveney Norwich Breckland Broadland Lynn Yarmouth Stevenage "
        "Watford Dacorum Hertsmere Welwyn Hatfield Broxbourne Three Rivers Bedford "
        "Wellingborough Kettering Corby Daventry Lincoln Boston Grantham Kesteven Lindsey "
        "Stamford Selby Harrogate Craven Richmondshire Hambleton Ryedale Scarborough Whitby "
        "Gloucester Cheltenham Tewkesbury Stroud Cotswold Dean Swansea Cardiff Newport Wrexham "
        "Powys Gwynedd Conwy Denbighshire Flintshire Ceredigion Pembrokeshire Carmarthenshire "
        "Glasgow Edinburgh Aberdeen Dundee Fife Highland Belfast Derry Armagh Wessex Midsomer "
        "Barchester Barsetshire Loamshire Rummidge Middlemarch Melchester Christminster"
    )
)
REAL_AUTHORITY_STEMS: frozenset[str] = frozenset(n.lower() for n in REAL_AUTHORITY_NAMES)

# Invented stems. The suffix decides the kind of council, loosely as real names do:
# "-shire" places are counties, cathedral-sounding ones cities.
_PREFIXES: tuple[str, ...] = (
    "Bors",
    "Wex",
    "Caster",
    "Amb",
    "Quarn",
    "Thrim",
    "Ulver",
    "Dorn",
    "Skell",
    "Marrow",
    "Penwy",
    "Hask",
    "Grev",
    "Lox",
    "Yarl",
    "Cresk",
    "Fenn",
    "Merri",
    "Ostry",
    "Rook",
    "Sallow",
    "Tams",
    "Wyck",
    "Zell",
    "Brisk",
    "Colm",
    "Vell",
    "Elsk",
    "Glim",
    "Quill",
)
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("etshire", "County Council"),
    ("moor", "District Council"),
    ("bridge", "City Council"),
    ("ridge", "Borough Council"),
    ("combe", "District Council"),
    ("ley", "Borough Council"),
    ("dale", "Metropolitan Borough Council"),
    ("stead", "District Council"),
    ("hurst", "Borough Council"),
    ("mouth", "Borough Council"),
    ("minster", "City Council"),
    ("wick", "London Borough of"),
    ("thorpe", "District Council"),
    ("cester", "City Council"),
    ("holme", "Metropolitan Borough Council"),
    ("over", "London Borough of"),
)
# Names the brief and the docs use as examples keep their familiar kind.
_FIXED_KIND: dict[str, str] = {
    "Wexmoor": "District Council",
    "Casterbridge": "City Council",
    "Ambridge": "Borough Council",
    "Borsetshire": "County Council",
}
COUNCIL_TARGET = 320


def _council_name(stem: str, kind: str) -> str:
    return f"London Borough of {stem}" if kind == "London Borough of" else f"{stem} {kind}"


def _build_councils() -> tuple[str, ...]:
    """About 320 council names from prefix × suffix, skipping any real place name.

    Selection is by a stable checksum (not `hash()`, which is salted per process) so the list
    is identical on every run and every machine.
    """
    candidates: list[tuple[int, str]] = []
    for prefix in _PREFIXES:
        for suffix, kind in _SUFFIXES:
            stem = prefix + suffix
            if prefix[-1] == suffix[0]:  # "Ambbridge", "Skellley": nobody would spell that
                continue
            if stem.lower() in REAL_AUTHORITY_STEMS or prefix.lower() in REAL_AUTHORITY_STEMS:
                continue
            kind = _FIXED_KIND.get(stem, kind)
            name = _council_name(stem, kind)
            rank = 0 if stem in _FIXED_KIND else zlib.crc32(stem.encode()) + 1
            candidates.append((rank, name))
    candidates.sort()
    return tuple(name for _, name in candidates[:COUNCIL_TARGET])


COUNCILS: tuple[str, ...] = _build_councils()

CARE_PROVIDERS: tuple[str, ...] = (
    "Meadowbank Care Home Ltd",
    "Silverbirch Homecare Limited",
    "Oakhaven Care Services Ltd",
    "Heatherlea Nursing Care Ltd",
    "Brightwater Supported Living Ltd",
    "Willowmere Residential Care Limited",
    "Tanglewood Healthcare Limited",
    "Kingfisher Lodge Care Ltd",
    "Larkspur Domiciliary Care Ltd",
    "Hollybrook Care Group Limited",
    "Fernleigh Nursing Home Ltd",
    "Bluebell Court Care Ltd",
    "Amberglen Home Care Limited",
    "Primrose Vale Care Ltd",
    "Rowanberry Care Homes Limited",
    "Sunnymead Healthcare Ltd",
    "Thistledown Care Ltd",
    "Marigold House Care Limited",
    "Cedarwood Lodge Nursing Ltd",
    "Harebell Home Support Ltd",
    "Lavender Fields Care Ltd",
    "Orchardside Care Services Limited",
    "Quillfield Residential Homes Ltd",
    "Swallowtail Care at Home Ltd",
    "Elderflower Care Partnership Ltd",
    "Juniper Grove Care Ltd",
    "Moorhen Supported Care Limited",
    "Sorrel Bank Nursing Home Ltd",
    "Wrenfield Care Ltd",
    "Yewtree Court Care Homes Ltd",
    "Brambledown Care Ltd",
    "Goldcrest Homecare Services Ltd",
)

# Other bodies in LGSCO's remit (fire authorities, drainage boards, ...), with the category
# their complaints are usually filed under.
_OTHER_KINDS: tuple[tuple[str, str, str], ...] = (
    (
        "Fire and Rescue Authority",
        "Environment and regulation",
        "Licensing",
    ),
    (
        "Internal Drainage Board",
        "Environment and regulation",
        "Drainage",
    ),
    ("National Park Authority", "Planning", "Planning applications"),
    ("Combined Authority", "Transport and highways", "Public transport"),
    (
        "Joint Waste Authority",
        "Environment and regulation",
        "Refuse and recycling",
    ),
)
_OTHER_STEMS: tuple[str, ...] = (
    "Borsetshire",
    "Wexmoor",
    "Quarnleigh Vale",
    "Ulverdale",
    "Thrimcombe",
    "Casterbridge",
    "Yarlminster",
    "Glimwick",
)


def _build_others() -> tuple[tuple[str, str, str], ...]:
    out: list[tuple[str, str, str]] = []
    for i, stem in enumerate(_OTHER_STEMS):
        kind, category, sub = _OTHER_KINDS[i % len(_OTHER_KINDS)]
        out.append((f"{stem} {kind}", category, sub))
        kind, category, sub = _OTHER_KINDS[(i + 2) % len(_OTHER_KINDS)]
        out.append((f"{stem} {kind}", category, sub))
    return tuple(dict.fromkeys(out))


OTHER_BODIES: tuple[tuple[str, str, str], ...] = _build_others()
