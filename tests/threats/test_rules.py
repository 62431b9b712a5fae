"""The pure parts of the incident log: the chain, file types, the chart and the prompts."""

from __future__ import annotations

import datetime as dt
import uuid

from courtjourney.threats import chain, evidence, patterns


def test_the_chain_links_each_entry_to_the_one_before() -> None:
    key = b"k" * 32
    ids = [uuid.uuid4() for _ in range(3)]
    forms = {i: chain.canonical("incident", n, {"id": i, "narrative": f"entry {n}"}) for n, i in enumerate(ids, start=1)}
    links, previous = [], chain.GENESIS
    for n, i in enumerate(ids, start=1):
        previous = chain.next_link(key, previous, forms[i])
        links.append(chain.Link(n, "incident", i, previous))
    assert chain.verify(key, links, forms).intact
    assert chain.verify(b"x" * 32, links, forms).broken_at == 1, "another key cannot vouch for the log"
    assert chain.verify(key, links[:1] + links[2:], forms).broken_at == 2, "a gap is found"
    swapped = {**forms, ids[1]: chain.canonical("incident", 2, {"id": ids[1], "narrative": "changed"})}
    assert chain.verify(key, links, swapped).broken_at == 2
    assert chain.verify(key, links, forms, [("incident", uuid.uuid4())]).broken_at == 4


def test_canonical_form_is_stable_and_zone_aware() -> None:
    at = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    london = at.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert chain.canonical("x", 1, {"b": 1, "a": at}) == chain.canonical("x", 1, {"a": london, "b": 1})
    assert b'"a":"2026-03-29T01:30:00.000000Z"' in chain.canonical("x", 1, {"a": at})


def test_file_types_come_from_content_only() -> None:
    assert evidence.sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert evidence.sniff(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert evidence.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert evidence.sniff(b"\x00\x00\x00\x18ftypheic....") == "image/heic"
    assert evidence.sniff(b"%PDF-1.4") == "application/pdf"
    for other in (b"", b"GIF8", b"<svg xmlns=", b"PK\x03\x04", b"MZ\x90", b"  %PDF-1.4"):
        assert evidence.sniff(other) is None
    assert evidence.safe_filename('../../etc/"pass".png', "application/pdf") == "_pass_.pdf"


def test_files_are_bound_to_their_row_and_hash() -> None:
    key, row = b"k" * 32, uuid.uuid4()
    stored = evidence.encrypt(key, row, "ab" * 32, b"content")
    assert evidence.decrypt(key, row, "ab" * 32, stored) == b"content"
    for wrong in ((key, uuid.uuid4(), "ab" * 32), (key, row, "cd" * 32), (b"j" * 32, row, "ab" * 32)):
        try:
            evidence.decrypt(*wrong, stored)
        except Exception:  # noqa: BLE001 - InvalidTag
            continue
        raise AssertionError("decrypted with the wrong row, hash or key")


def test_three_in_fourteen_days_or_any_assault_prompts() -> None:
    d = dt.date(2026, 3, 1)
    assert patterns.prompts([(d, "phone_call"), (d + dt.timedelta(days=14), "phone_call"), (d + dt.timedelta(days=28), None)]) == []
    cluster = patterns.prompts([(d, None), (d + dt.timedelta(days=6), None), (d + dt.timedelta(days=13), None)])
    assert [(p.reason, p.start, p.end, p.count) for p in cluster] == [("cluster", d, d + dt.timedelta(days=13), 3)]
    assert [p.reason for p in patterns.prompts([(d, "assault")])] == ["assault"]


def test_the_weekly_chart_counts_weeks_and_marks_hearings() -> None:
    today = dt.date(2026, 3, 18)  # a Wednesday
    chart = patterns.weekly_chart([today, today - dt.timedelta(days=1), today - dt.timedelta(days=8)], today,
                                  hearings=[today - dt.timedelta(days=7)])
    assert len(chart.bars) == patterns.WEEKS_SHOWN and chart.total == 3
    assert [b.count for b in chart.bars[-2:]] == [1, 2] and chart.bars[-1].height == patterns.CHART_HEIGHT
    assert [b.hearing for b in chart.bars[-2:]] == [True, False]
