"""The three sources of the record: what each covers, its licence and how to cite it.

Shown on the /data page and written into datapackage.json (its ``licenses`` and ``sources``). The terms are
those of data/README.md and data/sources/*/provenance.toml.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.enums import SourceKind


@dataclass(frozen=True)
class Licence:
    title: str
    path: str
    name: str = ""  # an SPDX identifier, where the licence has one

    def descriptor(self) -> dict[str, str]:
        found = {"name": self.name} if self.name else {}
        return {**found, "title": self.title, "path": self.path}


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    title: str
    path: str
    covers: str  # what of the record comes from it
    licence: Licence
    citation: str


UNDL_LICENCE = Licence(
    "Copyright United Nations; non-commercial use with attribution (UN Digital Library terms of use)",
    "https://digitallibrary.un.org/pages/?ln=en&page=tos",
)
DGACM_LICENCE = Licence(
    "United Nations terms: acknowledge the United Nations as the source (unofficial copies, no warranty)",
    "https://www.un.org/dgacm/en/content/visualizations-and-machine-readability",
)
VOETEN_LICENCE = Licence(
    "Creative Commons Zero v1.0 Universal (public domain dedication)",
    "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC0-1.0",
)
PROJECT_LICENCE = Licence(
    "MIT (the member-state reference data and the reconciliation of the sources, this project's work)",
    "https://opensource.org/license/mit",
    "MIT",
)

SOURCES = (
    Source(
        SourceKind.UNDL,
        "United Nations Dag Hammarskjöld Library, General Assembly Voting Data (UN Digital Library)",
        "https://digitallibrary.un.org/record/4060887",
        "Adopted resolutions' symbols, dates, meeting records, titles and roll calls, 1946 to October 2025.",
        UNDL_LICENCE,
        "United Nations Dag Hammarskjöld Library, General Assembly Voting Data, United Nations, "
        "https://digitallibrary.un.org/record/4060887; and the record page of each vote "
        "(undl_record).",
    ),
    Source(
        SourceKind.DGACM,
        "United Nations (DGACM), machine-readable General Assembly resolutions",
        "https://github.com/UNxml/GAresolutions",
        "Official totals, subjects, agenda items and drafts from September 2019; every resolution "
        "after October 2025, and those adopted without a vote.",
        DGACM_LICENCE,
        "Source: United Nations (DGACM), machine-readable General Assembly resolutions, "
        "github.com/UNxml/GAresolutions.",
    ),
    Source(
        SourceKind.VOETEN,
        "Erik Voeten, United Nations General Assembly Voting Data (Harvard Dataverse)",
        "https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
        "Issue codes and the US 'important vote' flag, 1946 to 2019, and the separate votes: amendments, "
        "parts voted on separately, motions and failed drafts.",
        VOETEN_LICENCE,
        "Erik Voeten, \u201cData and Analyses of Voting in the UN General Assembly\u201d, in Routledge "
        "Handbook of International Organization, ed. Bob Reinalda (2013); dataset \u201cUnited Nations "
        "General Assembly Voting Data\u201d, Harvard Dataverse, hdl:1902.1/12379 (via the R package "
        "unvotes 0.3.0 by David Robinson).",
    ),
)
