"""Roll calls that Voeten's data describes only with a passage of the meeting record get a short title read
from it, and keep the passage as their description: the reading, on real passages from the shipped file
(verbatim, typos and encoding included), and the outcome of the real import."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.importing import import_paths
from app.ingest.transcripts import clean_transcript, is_transcript, read_transcript, transcript_title
from app.models import DecisionKind, ImportRun, Resolution
from tests.conftest import REFERENCE, SOURCES
from tests.resolutions.conftest import one, soup

PARAGRAPH, AMENDMENT = DecisionKind.PARAGRAPH, DecisionKind.AMENDMENT
SEPARATE, RESOLUTION = DecisionKind.SEPARATE, DecisionKind.RESOLUTION
# Words of titles elsewhere in the data, to put back spaces the extraction lost.
VOCABULARY = frozenset(
    ["the", "right", "to", "development", "human", "rights", "situation", "in", "iraq", "taken"]
)
# The longest real titles: 442 characters (A/RES/75/290 B, two titles run together in the DGACM file) and
# 387 (A/RES/76/174, on human rights defenders).
LONGEST_TITLE = 450

# (Voeten roll call, its descr, its kind, the text's title from other roll calls on the symbol, title)
REAL_PASSAGES = [
    (
        # The first draft named was adopted before the vote; page furniture inside the name; "entitled_".
        5640,
        "The Acting President: Draft resolution C is entitled_Prohibition of the dumping of radioactive "
        "wastes<d3>. The First Committee adopted draft resolution C without a vote. May I take it that the "
        "Assembly wishes todo likewise? Draft resolution C was adopted (resolution 54/54 C). The Acting "
        "President: Draft resolution D is entitled_Nuclear disarmament with a view to the ultimate 10 69th "
        "plenary meeting 1 December 1999 elimination of nuclear weapons<d3>. Separate votes have been "
        "requested on the second preambular paragraph and on operative paragraphs 1 and 9 of draft "
        "resolution D. If there is no objection to that request, I shall first put to the vote the second "
        "preambular paragraph of draft resolution D. A recorded vote has been requested. A",
        PARAGRAPH,
        "",
        "Nuclear disarmament with a view to the ultimate elimination of nuclear weapons "
        "(separate vote on the second preambular paragraph)",
    ),
    (
        # No name in the passage: the text's title from the other roll calls on A/RES/54/54 D.
        5641,
        "The Acting President: I shall now put to the vote operative paragraph 1, on which a separate vote "
        "has beenrequested. A recorded vote has been requested. A",
        PARAGRAPH,
        "Nuclear disarmament with a view to the ultimate elimination of nuclear weapons",
        "Nuclear disarmament with a view to the ultimate elimination of nuclear weapons "
        "(separate vote on operative paragraph 1)",
    ),
    (
        5646,  # nothing known of the text's name
        "The Acting President: I shall now put to the vote operative paragraph 4 (b) of draft resolution I, "
        "on which a separate vote has been requested. A recorded vote has been requested. A",
        PARAGRAPH,
        "",
        "Separate vote on operative paragraph 4 (b)",
    ),
    (
        5656,  # "Theright": a space lost in extraction, put back from known words
        "The President: Draft resolution XIX is entitled _Enhancement of international cooperation in the "
        "field of human rights<d3>. The Third Committee adopted draft resolution XIX without a vote. May I "
        "take it that the Assembly wishes to do the same? 19General Assembly Fifty-fourth session Draft "
        "resolution XIX was adopted (resolution 54/181). The President: Draft resolution XX is entitled "
        "_Theright to development<d3>. Separate votes have been requestedon the eighth and thirteenth "
        "preambular paragraphs and onoperative paragraphs 3 (c), 3 (e), 13, 21 and 22 of draftresolution "
        "XX. Are there any objections to this request? I see none. I shall first put to the vote the eighth "
        "preambular paragraph of draft resolution XX, on which a separate votehas been requested. A "
        "recorded vote has been requested. A",
        PARAGRAPH,
        "",
        "The right to development (separate vote on the eighth preambular paragraph)",
    ),
    (
        5658,  # "operativeparagraph"
        "The President: I shall now put to the vote operativeparagraph 3 (c), on which a separate vote has "
        "been requested. A recorded vote has been requested. A",
        PARAGRAPH,
        "The right to development",
        "The right to development (separate vote on operative paragraph 3 (c))",
    ),
    (
        5663,  # "Humanrights", "jointlyoperative", "on whichrecorded"
        "The President: Draft resolution III is entitled _Humanrights situation in Iraq<d3>. A recorded "
        "vote has been requested jointly on paragraphs 2(a), 3(g), 3(i) and 3(j) of draft resolution "
        "III.Are there any objections to that request? I see none. The President: I shall first put to the "
        "vote jointlyoperative paragraphs 2(a), 3(g), 3(i) and 3(j), on whichrecorded vote has been "
        "requested. A",
        PARAGRAPH,
        "",
        "Human rights situation in Iraq (separate vote on operative paragraphs 2(a), 3(g), 3(i) and 3(j))",
    ),
    (
        5732,  # quoted words; the meeting record's symbol left at the end
        "The President: I shall now put to the vote the words _corporal punishment<d3> in operative "
        "paragraph 41 (c) of draft resolution IV, on which a separate vote has been requested. A recorded "
        "vote has been requested. A/58/PV.77 A",
        PARAGRAPH,
        "Rights of the child",
        "Rights of the child (separate vote on the words \u201ccorporal punishment\u201d in operative "
        "paragraph 41 (c))",
    ),
    (
        5743,  # "_ _and South Asia<d3> _": dashes around a quotation; "put tovote"
        "The Acting President: Draft resolution XX is entitled _Nuclear-weapon-free southern hemisphere "
        "and adjacent areas<d3>. 17A/59/PV.66 Separate votes have been requested on the three last words _ "
        "_and South Asia<d3> _ of operative paragraph 5 and on operative paragraph 5 as a whole of draft "
        "resolution XX. In the absence of objection, I shall first put tovote the last three words _ _and "
        "South Asia<d3> _ of operative paragraph 5 of draft resolution XX, on which a separate vote has "
        "been requested. A recorded vote has been requested. A",
        PARAGRAPH,
        "",
        "Nuclear-weapon-free southern hemisphere and adjacent areas (separate vote on the last three words "
        "\u2013 \u201cand South Asia\u201d \u2013 of operative paragraph 5)",
    ),
    (
        5668,  # "<90>" is an apostrophe; the first draft was adopted; "A separate, recorded vote ... on"
        "The President: Draft resolution S is entitled _Mongolia<90>s international security and nuclear- "
        "weapon-free status<d3>. The First Committee adopted draft resolution S without a vote. May I take "
        "it that the Assembly wishes to do the same? Draft resolution S was adopted (resolution 55/33 S). "
        "The President: Draft resolution T is entitled _Nuclear disarmament<d3>. A separate, recorded vote "
        "has been requested on operative paragraph 9 of draft resolution T. A",
        PARAGRAPH,
        "",
        "Nuclear disarmament (separate vote on operative paragraph 9)",
    ),
    (
        6043,  # a name whose closing mark was lost must not swallow the next sentences
        "The Acting President: Draft resolution B is entitled_United Nations Regional Centre for Peace and "
        "Disarmament in Asia and the Pacific<d3>. The First Committee adopted draft resolution B without a "
        "vote. May I consider that the Assembly wishes to do the same? Draft resolution B was adopted "
        "(resolution 53/78 B). The Acting President: Draft resolution C is entitled_United Nations Regional "
        "Centre for Peace and Disarmament in Africa. The First Committee adopted draft resolution C without "
        "a vote. May I take it that the Assembly wishes to do the same? Draft resolution C was adopted "
        "(resolution 53/78 C). The Acting President: Draft resolution D is entitled_Convention on the "
        "Prohibition of the Use of Nuclear Weapons<d3>. A separate vote has been requested on the eighth "
        "preambular paragraph. If there is no objection, I shall first put to the voteeighth preambular "
        "paragraph. A recorded vote has been requested. A",
        PARAGRAPH,
        "",
        "Convention on the Prohibition of the Use of Nuclear Weapons (separate vote on eighth preambular "
        "paragraph)",
    ),
    (
        5684,  # a motion, no symbol in Voeten's data
        "The President: I shall now put to the vote the motion by the representative of Australia that no "
        "action be taken on the amendment contained in document A/56/L.11. A recorded vote has been "
        "requested. A",
        RESOLUTION,
        "",
        "Vote on the motion by Australia that no action be taken on the amendment in A/56/L.11",
    ),
    (
        5916,  # "(spoke in Arabic)"; a motion on a named draft
        "The President (spoke in Arabic): We will now take a decision on the motion proposed by the "
        "representativeof the Islamic Republic of Iran for no action to be takenon draft resolution III, "
        "entitled _Situation of human rights in the Islamic Republic of Iran<d3>. A recorded votehas been "
        "requested. A",
        SEPARATE,
        "",
        "Situation of human rights in the Islamic Republic of Iran (vote on the motion by the Islamic "
        "Republic of Iran for no action to be taken on draft resolution III)",
    ),
    (
        5673,  # an amendment
        "The Acting President: The Assembly will now take a decision on draft resolution A/55/L.69 and on "
        "the amendment thereto contained in document A/55/L.70. In accordance with rule 90 of the rules of "
        "procedure, the amendment is voted on first. The Assembly shall therefore take a decision first on "
        "the amendment circulated in document A/55/L.70. A recorded vote has been requested. A",
        AMENDMENT,
        "Cooperation between the UN and the Organization for Security and Cooperation in Europe",
        "Cooperation between the UN and the Organization for Security and Cooperation in Europe "
        "(vote on the amendment in A/55/L.70)",
    ),
    (
        5817,  # the text as a whole, though another roll call is taken as the adoption
        "The Acting President: Since the oral amendment submitted by the representative of the Bolivarian "
        "Republic of Venezuela has not been adopted, we will proceed to take a decision on draft resolution "
        "III as a whole. A recorded vote has been requested. A",
        SEPARATE,
        "Situation of human rights in the Islamic Republic of Iran",
        "Situation of human rights in the Islamic Republic of Iran (another vote on the text)",
    ),
    (
        5695,  # the colon after the speaker lost
        "The Acting President I shall now put the 29 draft resolutions A to CC and the draft decision to "
        "the Assembly one by one. We will take up the oral amendments to draft resolutions B, P, U and Y "
        "when we come to each of the draft resolutions. After all the decisions have been taken, "
        "representatives will again have the opportunity to explain their vote. Draft resolutions A to CC "
        "are to be found in paragraph 90 of section III of the report of the First Committee. We turn first "
        "to draft resolution A, entitled _Reduction of non-strategic nuclear weapons<d3>. A recorded vote "
        "has been requested. A",
        RESOLUTION,
        "",
        "Reduction of non-strategic nuclear weapons",
    ),
    (
        6054,  # no speaker at all
        "I shall now put to the vote operative paragraph 4(b) of draft resolution III, on which a separate "
        "vote has been requested.",
        PARAGRAPH,
        "Situation of human rights in Iraq",
        "Situation of human rights in Iraq (separate vote on operative paragraph 4(b))",
    ),
    (
        5669,  # "put to the the fifth ..." (no "vote"): Voeten's paragraph code stands in
        "The President: Draft resolution U is entitled _Transparency in armaments<d3>. Separate votes have "
        "been requested on the fifth preambular paragraph and on paragraphs 2, 5(b) and 7 of draft "
        "resolution U. If there is no objection, I shall first put to the the fifth preambular paragraph of "
        "draft resolution U, on which a separate, recorded vote has been requested. A",
        PARAGRAPH,
        "",
        "Transparency in armaments (separate vote)",
    ),
    (
        5845,  # nothing to read: the first sentence
        "The President (spoke in Spanish): A recorded vote has been requested. A",
        RESOLUTION,
        "",
        "A recorded vote has been requested.",
    ),
    (
        5976,  # nothing to read, a long first sentence: shortened
        "The Acting President: I should like to remind members that, in accordance with Article 18 of the "
        "Charter of the United Nations and rule 83 of the rules of procedure of the General Assembly, "
        "decisions of the General Assembly on amendments to proposals relating to important questions, and "
        "on parts of such proposals put to the vote separately, shall be made by a two-thirds majority of "
        "the members present and voting. We will therefore proceed on that basis. A recorded vote has been "
        "requested. A",
        PARAGRAPH,
        "",
        "I should like to remind members that, in accordance with Article 18 of the Charter of the United "
        "Nations and rule 83\u2026",
    ),
]


class TestReading:
    @pytest.mark.parametrize(
        ("rcid", "passage", "kind", "text_title", "title"),
        REAL_PASSAGES,
        ids=[str(p[0]) for p in REAL_PASSAGES],
    )
    def test_real_passages(
        self, rcid: int, passage: str, kind: DecisionKind, text_title: str, title: str
    ) -> None:
        assert is_transcript(passage)
        assert transcript_title(read_transcript(passage, VOCABULARY), kind, text_title) == title

    def test_the_named_draft_is_read_with_its_designator(self) -> None:
        reading = read_transcript(REAL_PASSAGES[0][1])
        assert (reading.name, reading.draft) == (
            "Nuclear disarmament with a view to the ultimate elimination of nuclear weapons",
            "D",
        )
        # Without a name: the draft the object is part of, to find a passage on the symbol that names it.
        assert read_transcript(REAL_PASSAGES[2][1]).draft == "I"

    @pytest.mark.parametrize(
        "text",
        [
            "TO ADOPT OPERATIVE PARAGRAPH 2 OF THE 5TH COMM. DRAFT RESOL. (A/746)",  # Voeten before 1985
            "Cooperation between the UN and the Organization for Security and Cooperation in Europe",
            "A/71/251 39 - Necessity of ending the economic, commercial and financial embargo ...",
            "The President of the General Assembly : resolution / adopted by the General Assembly",
            "",
        ],
    )
    def test_titles_and_descriptions_are_not_passages(self, text: str) -> None:
        assert not is_transcript(text)

    def test_the_description_keeps_the_passage_with_its_quote_marks_decoded(self) -> None:
        passage = (
            "The President: Draft resolution S is entitled _Mongolia<90>s international security<d3>. Mr. "
            "Valero Brice_o (Bolivarian Republic of Venezuela): a procedural measure _ a motion. It has "
            "beenrequested. A"
        )
        assert clean_transcript(passage) == (
            "The President: Draft resolution S is entitled \u201cMongolia\u2019s international security"
            "\u201d. Mr. Valero Brice_o (Bolivarian Republic of Venezuela): a procedural measure \u2013 a "
            "motion. It has beenrequested. A"
        )


def _passages(db: Session) -> list[Resolution]:
    rows = db.scalars(
        select(Resolution).where(Resolution.voeten_rcid.is_not(None)).order_by(Resolution.voeten_rcid)
    ).all()
    return [r for r in rows if is_transcript(r.description)]


class TestRealImport:
    def test_no_title_is_a_passage_or_runs_on(self, db: Session) -> None:
        titles = db.scalars(select(Resolution.title).where(Resolution.published.is_(True))).all()
        assert not [t for t in titles if is_transcript(t) or re.search(r"\bPresident\b.{0,40}:", t)]
        # The titles made from Voeten's descriptions (the UN's own titles run to 600 characters).
        voeten = db.scalars(
            select(Resolution.title).where(
                Resolution.published.is_(True), Resolution.source_kinds == "voeten"
            )
        ).all()
        assert max(map(len, voeten)) <= LONGEST_TITLE

    def test_each_passage_is_kept_as_the_description_under_a_short_title(self, db: Session) -> None:
        passages = _passages(db)
        assert len(passages) == 415  # of 418: three matched the UN's records, whose titles they take
        assert all(len(r.title) <= 300 and r.title for r in passages)
        assert not [r.title for r in passages if "<d3>" in r.title + r.description or "_" in r.title]

    def test_the_separate_votes_on_a_res_54_54_d(self, db: Session) -> None:
        parent = db.scalars(select(Resolution).where(Resolution.symbol == "A/RES/54/54 D")).one()
        rows = db.scalars(
            select(Resolution).where(Resolution.parent_id == parent.id).order_by(Resolution.voeten_rcid)
        ).all()
        name = "Nuclear disarmament with a view to the ultimate elimination of nuclear weapons"
        assert [(r.voeten_rcid, r.title) for r in rows] == [
            (5640, f"{name} (separate vote on the second preambular paragraph)"),
            (5641, f"{name} (separate vote on operative paragraph 1)"),
            (5642, f"{name} (separate vote on operative paragraph 9)"),
        ]
        assert rows[0].description.startswith(
            "The Acting President: Draft resolution C is entitled\u201cProhibition of the dumping"
        )
        assert "on which a separate vote has beenrequested" in rows[1].description  # the source's words

    def test_the_pages_show_the_title_and_keep_the_passage(self, client: TestClient, db: Session) -> None:
        page = soup(client.get("/resolutions/A/RES/54/54 D", follow_redirects=True).text)
        listed = [a.get_text(" ", strip=True) for a in page.select("#sep-h ~ .table-scroll a")]
        assert listed == [
            "Separate vote on a part: Nuclear disarmament with a view to the ultimate elimination of "
            f"nuclear weapons (separate vote on {part})"
            for part in ("the second preambular paragraph", "operative paragraph 1", "operative paragraph 9")
        ]
        vote = db.scalars(select(Resolution).where(Resolution.voeten_rcid == 5641)).one()
        page = soup(client.get(f"/votes/{vote.id}").text)
        assert one(page, "h1").get_text(strip=True) == vote.title
        assert one(page, ".lede").get_text(strip=True) == vote.description

    def test_older_separate_votes_still_list_what_was_voted_on(self, client: TestClient, db: Session) -> None:
        # Voeten's upper-case descriptions say what was voted on; the table keeps showing them.
        vote = db.scalars(
            select(Resolution)
            .where(
                Resolution.kind == DecisionKind.SEPARATE,
                Resolution.parent_id.is_not(None),
                Resolution.adopted_on < dt.date(1980, 1, 1),
            )
            .order_by(Resolution.voeten_rcid)
        ).first()
        assert vote is not None
        assert vote.description.isupper()
        assert vote.parent_id is not None
        parent = db.get_one(Resolution, vote.parent_id)
        page = soup(client.get(f"/resolutions/{parent.symbol}", follow_redirects=True).text)
        listed = [a.get_text(" ", strip=True) for a in page.select("#sep-h ~ .table-scroll a")]
        assert f"{vote.kind.label}: {vote.description}" in listed

    @pytest.mark.long
    @pytest.mark.slow
    def test_after_the_upgrade_one_reimport_retitles_them_and_the_next_changes_nothing(
        self, db: Session
    ) -> None:
        # As the previous version stored them: the passage as the title, no description.
        titles = {r.id: r.title for r in _passages(db)}
        ids = list(titles)
        db.execute(
            update(Resolution)
            .where(Resolution.id.in_(ids))
            .values(title=Resolution.description, description="", content_hash="before the upgrade")
        )
        db.execute(delete(ImportRun))  # every file read and reconciled again
        first = import_paths(db, [SOURCES], REFERENCE)
        assert (first.resolutions_changed, first.resolutions_added) == (len(ids), 0)
        db.expire_all()
        assert {r.id: r.title for r in _passages(db)} == titles
        second = import_paths(db, [SOURCES], REFERENCE)
        assert not second.changed_anything
