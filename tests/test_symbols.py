"""UN symbols read from sources and from users."""

from __future__ import annotations

import pytest

from app.models import SessionKind
from app.symbols import SessionRef, base_symbol, from_voeten, normalize_symbol, session_of, undocs_url


@pytest.mark.parametrize(
    ("unres", "session", "symbol"),
    [
        ("R/30/3379", 30, "A/RES/3379(XXX)"),
        ("R/54/54K", 54, "A/RES/54/54 K"),
        ("A/RES/74/7", 74, "A/RES/74/7"),
        ("R/42/70/A", 42, "A/RES/42/70 A"),
        ("R/31/208/I", 31, "A/RES/31/208"),
        ("ESS/1/34", 11, "ESS/1/34"),
    ],
)
def test_voeten_symbols(unres: str, session: int, symbol: str) -> None:
    assert from_voeten(unres, session).symbol == symbol


def test_voeten_emergency_session() -> None:
    ref = from_voeten("ESS/5/100", 22).session
    assert (ref.kind, ref.number) == (SessionKind.EMERGENCY_SPECIAL, 5)


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("es-10/24", "A/RES/ES-10/24"),
        ("A/RES/ES-10/24", "A/RES/ES-10/24"),
        ("res/74/7", "A/RES/74/7"),
        ("78/183a", "A/RES/78/183 A"),
        ("3379 (XXX)", "A/RES/3379(XXX)"),
        ("A/RES/75/254 A-C", "A/RES/75/254 A-C"),
        # The UN Digital Library's forms: parts in brackets or glued on, Arabic special sessions.
        ("A/RES/181(II)[A]", "A/RES/181(II) A"),
        ("A/RES/181 (II) A", "A/RES/181(II) A"),
        ("181(II)", "A/RES/181(II)"),
        ("A/RES/38/35A", "A/RES/38/35 A"),
        ("A/RES/33/116[B-IX]", "A/RES/33/116 B-IX"),
        ("A/RES/41/209[VIII]", "A/RES/41/209 VIII"),
        ("A/RES/289(IV)[AA]", "A/RES/289(IV) AA"),
        ("A/RES/39/236[SectionII]", "A/RES/39/236 SECTION II"),
        ("A/RES/63(I)[PARA.1]", "A/RES/63(I) PARA.1"),
        ("A/RES/106(S-1)", "A/RES/106(S-1)"),
        ("A/RES/2252(ES-V)", "A/RES/2252(ES-V)"),
        ("A/RES/36//235IX", "A/RES/36/235 IX"),
        ("A/DEC/80/506", "A/DEC/80/506"),
        # Symbols that cannot exist.
        ("A/RES/79/XX", None),
        ("A/RES/0/1", None),
        ("A/RES/3379(XXXI)", None),
        ("A/RES/ES-11/\uff19\uff13", None),
        ("territorial integrity", None),
        ("", None),
        ("<script>", None),
    ],
)
def test_normalize(text: str, symbol: str | None) -> None:
    assert normalize_symbol(text) == symbol


def test_sessions_and_links() -> None:
    assert session_of("A/RES/S-32/1") is not None
    assert session_of("A/RES/106(S-1)") == SessionRef(SessionKind.SPECIAL, 1)
    assert session_of("A/DEC/80/506") == SessionRef(SessionKind.REGULAR, 80)
    assert undocs_url("A/RES/78/183 A") == "https://undocs.org/A/RES/78/183"
    assert undocs_url("A/RES/181(II) A") == "https://undocs.org/A/RES/181(II)"
    assert undocs_url("R/2/1424") is None  # Voeten's references name no document
    assert base_symbol("A/RES/33/116 B-IX") == "A/RES/33/116"
