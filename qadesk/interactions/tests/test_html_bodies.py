"""HTML e-mail bodies (issue 12): kept as imported, shown through an allow-list sanitiser (nh3) with the quoted history
folded in a <details>; plain text stays plain (escaped), whatever it holds."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qadesk.interactions.html import html_quotes_folded, html_sanitised
from qadesk.interactions.models import Interaction, Message

pytestmark = pytest.mark.django_db

EMAIL = (
    "<html><head><title>Re: order</title><style>p{color:red}</style></head><body>"
    '<p style="color:red" onclick="steal()">Thanks, <b>refund</b> received &amp; fine.</p>'
    '<script>alert(1)</script><img src="https://tracker.example/pixel.gif">'
    '<a href="javascript:alert(2)">bad</a> <a href="https://shop.example/order/1">order</a>'
    '<div class="gmail_quote">On Mon, support wrote:<blockquote type="cite">We <i>refunded</i> you.'
    "<blockquote>Older message</blockquote></blockquote></div></body></html>"
)


def test_the_sanitiser_keeps_markup_and_drops_what_could_run_or_track() -> None:
    clean = html_sanitised(EMAIL)
    assert "<b>refund</b>" in clean and "&amp; fine." in clean
    for gone in ("<script", "alert(1)", "onclick", "style", "<img", "tracker", "javascript:", "Re: order", "color:red"):
        assert gone not in clean
    assert '<a href="https://shop.example/order/1" rel="noopener noreferrer nofollow">order</a>' in clean


def test_the_quoted_history_is_folded_outermost_quote_only() -> None:
    folded = html_quotes_folded(html_sanitised(EMAIL), summary="Quoted text")
    assert folded.count("<details") == 1 and folded.count("</details>") == 1
    head, quoted = folded.split('<details class="quoted"><summary>Quoted text</summary>')
    assert "Thanks" in head and "On Mon, support wrote:" in quoted and "Older message" in quoted
    assert quoted.endswith("</div></details>")
    assert html_quotes_folded("<p>no quote</p>", summary="x") == "<p>no quote</p>"
    two = html_quotes_folded("<blockquote>a</blockquote><p>b</p><blockquote>c</blockquote>", summary="Q")
    assert two.count("<details") == 2 and "<p>b</p>" in two
    nested = html_quotes_folded('<div class="gmail_quote"><div>a</div>b</div><p>after</p>', summary="Q")
    assert nested.endswith("<div>a</div>b</div></details><p>after</p>")


def _import(tmp_path: Path, messages: list[dict[str, object]]) -> Interaction:
    record = {
        "external_id": "E-1",
        "source": "mail",
        "channel": "email",
        "created_at": "2026-10-01T09:00:00Z",
        "agents": ["a.rossi"],
        "messages": messages,
    }
    path = tmp_path / "mail.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    call_command("qimport", "interactions", str(path), stdout=StringIO(), stderr=StringIO())
    return Interaction.objects.get()


def test_an_html_body_is_stored_as_imported_and_shown_sanitised(client: Client, qa_lead, tmp_path: Path) -> None:
    plain = "I typed <b>this</b> & <script>that</script>\nsecond line"
    interaction = _import(
        tmp_path,
        [{"author": "customer", "body": EMAIL, "format": "html"}, {"author": "agent", "agent": "a.rossi", "body": plain}],
    )
    html_message, text_message = interaction.messages.all()
    assert (html_message.body, html_message.body_format) == (EMAIL, "html")
    assert (text_message.body, text_message.body_format) == (plain, "text")

    client.force_login(qa_lead)
    page = client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    transcript = page.split('class="transcript"')[1]
    assert '<div class="bubble bubble-html"><p>Thanks, <b>refund</b> received &amp; fine.</p>' in transcript
    assert '<details class="quoted"><summary>Quoted text</summary><div class="gmail_quote">' in transcript
    for gone in ("<script>alert", "onclick", 'style="', "tracker.example", "javascript:"):
        assert gone not in transcript
    assert "I typed &lt;b&gt;this&lt;/b&gt; &amp; &lt;script&gt;that&lt;/script&gt;<br>second line" in transcript

    body = client.get(f"/api/v1/interactions/{interaction.pk}").json()
    assert [(m["body_format"], m["body"]) for m in body["messages"]] == [("html", EMAIL), ("text", plain)]


def test_the_folded_quote_is_translated(client: Client, qa_lead, tmp_path: Path) -> None:
    interaction = _import(tmp_path, [{"author": "customer", "body": "<p>Hi</p><blockquote>old</blockquote>", "format": "html"}])
    qa_lead.language = "fr"
    qa_lead.save()
    client.force_login(qa_lead)
    page = client.get(reverse("interactions:detail", args=[interaction.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<summary>Texte cité</summary>" in page


def test_an_unknown_body_format_is_an_error_of_that_message() -> None:
    from qadesk.imports.services import interactions_import

    record = {
        "external_id": "E-2",
        "source": "mail",
        "channel": "email",
        "created_at": "2026-10-01T09:00:00Z",
        "messages": [{"author": "customer", "body": "x", "format": "markdown"}],
    }
    report = interactions_import(rows=[(1, record)], skip_invalid=True)
    assert [(e.field, e.message) for e in report.errors] == [("messages[0].format", "'markdown' is not one of: 'text', 'html'")]
    assert not Message.objects.exists()
