"""The mediator's foreword and chapter comments (issue 13): written in the console by the mediator only,
printed escaped in both editions and both formats, frozen in the snapshot with the figures."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from mediator_plugin.reports import publication, snapshots, texts
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from tests.reports.conftest import pdf_text

PAGE = "/console/rapports/2025/textes"
FOREWORD = "Une année de transition pour la médiation.\n\nMerci aux équipes <b>&</b> aux consommateurs."
RESULTS = "Les durées baissent grâce aux relances automatiques."
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def _client(app, login, who):
    client = app.test_client()
    login(client, who)
    return client


def _save(client, **fields):
    """Submit the texts form with the CSRF token and version of the page as last read."""
    page = client.get(PAGE).get_data(as_text=True)
    data = {"csrf_token": _CSRF.search(page).group(1), "version": _VERSION.search(page).group(1), **fields}
    return client.post(PAGE, data=data)


def _chapter(text: str, title: str, following: str) -> str:
    """The text of a chapter of a PDF, past the table of contents."""
    return text.split(title)[-1].split(following)[0]


@pytest.mark.requirement("R-REPORT-6", "R-IND-1")
def test_mediator_writes_texts_printed_in_both_editions(app, known_year, login):
    """Does the mediator's foreword open the letter and her comment head its chapter in the PDF and HTML of both
    editions, escaped, with nothing printed for the chapters she left empty, and is the save audited?"""
    claire = _client(app, login, "mediatrice")
    page = claire.get(PAGE)
    assert page.status_code == 200 and "Avant-propos" in page.get_data(as_text=True)
    saved = _save(claire, foreword=FOREWORD, comment_results=RESULTS, comment_activity="  ")
    assert saved.status_code == 303 and saved.headers["Location"].endswith(PAGE)
    assert "Les textes du rapport de 2025 sont enregistrés" in html.unescape(claire.get(PAGE).get_data(as_text=True))
    report = publication.current_report(2025)
    for edition in ("public", "comex"):
        text = pdf_text(render_edition(report, edition))
        letter = _chapter(text, "Lettre du médiateur" if edition == "comex" else "Le mot du médiateur",
                          "Chiffres clés")
        assert "Une année de transition pour la médiation." in letter
        assert "Merci aux équipes <b>&</b> aux consommateurs." in letter
        results = _chapter(text, "Les résultats", "Issue des médiations terminées")
        assert f"Le commentaire du médiateur {RESULTS}" in results
        assert text.count("Le commentaire du médiateur") == 1  # no placeholder for the empty chapters
        page = render_html(report, edition)
        assert "Merci aux équipes &lt;b&gt;&amp;&lt;/b&gt; aux consommateurs." in page and "<b>&</b>" not in page
        assert page.count("Le commentaire du médiateur") == 1 and RESULTS in page
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "save_report_texts")).one()
    assert (entry.actor, entry.target, entry.detail["changed"]) == ("mediatrice", "2025", ["foreword", "results"])


@pytest.mark.requirement("R-REPORT-6", "R-IND-1")
def test_bad_input_and_other_people_are_refused_and_nothing_is_stored(app, known_year, login):
    """Is a foreword over the limit refused with 422 and the French reason, a save over a newer version refused
    with 409, and are the case handler and the executive refused with 403, storing nothing?"""
    claire = _client(app, login, "mediatrice")
    too_long = _save(claire, foreword="x" * (texts.FOREWORD_MAX + 1), comment_results=RESULTS)
    assert too_long.status_code == 422
    page = html.unescape(too_long.get_data(as_text=True))
    assert f"il peut en compter {texts.FOREWORD_MAX} au plus" in page and RESULTS in page  # her text comes back
    assert texts.texts_of(2025) is None
    assert _save(claire, comment_results=RESULTS).status_code == 303
    stale = claire.post(PAGE, data={"csrf_token": _CSRF.search(claire.get(PAGE).get_data(as_text=True)).group(1),
                                    "version": "0", "comment_results": "Autre chose"})
    assert stale.status_code == 409
    assert "enregistrés par quelqu'un d'autre" in html.unescape(stale.get_data(as_text=True))
    db.session.expire_all()
    assert texts.texts_of(2025).comments == {"results": RESULTS}
    for who in ("gestionnaire", "comex"):
        other = _client(app, login, who)
        assert other.get(PAGE).status_code == 403
        token = _CSRF.search(other.get("/console/rapports/").get_data(as_text=True)).group(1)  # the sign-out form's
        data = {"comment_results": "Intrusion", "version": "1", "csrf_token": token}
        assert other.post(PAGE, data=data).status_code == 403
    db.session.expire_all()
    assert texts.texts_of(2025).comments == {"results": RESULTS}


@pytest.mark.requirement("R-REPORT-5")
def test_texts_are_frozen_with_the_figures(app, known_year, people):
    """Is the foreword frozen in version 1 (its hash covers it), kept there after it is rewritten, and does a
    correction take the texts as they are when it is published?"""
    texts.save_texts(2025, people.mediatrice, foreword="Premier avant-propos.", comments={}, version=0)
    first = publication.publish(2025, published_by="mediatrice")
    db.session.commit()
    assert first.figures["texts"] == {"foreword": "Premier avant-propos.", "comments": {}, "tips": []}
    before = render_edition(first.as_report(), "public")
    texts.save_texts(2025, people.mediatrice, foreword="Second avant-propos.",
                     comments={"examples": "Aucun cas cette année."}, version=texts.texts_of(2025).version)
    db.session.commit()
    reread = snapshots.versions(2025)[0]
    assert render_edition(reread.as_report(), "public") == before
    assert "Premier avant-propos." in pdf_text(before) and "Second" not in pdf_text(before)
    second = publication.publish(2025, published_by="mediatrice", reason="Nouvel avant-propos")
    db.session.commit()
    assert second.data_sha256 != first.data_sha256
    assert second.figures["texts"]["foreword"] == "Second avant-propos."
    assert "Second avant-propos." in pdf_text(render_edition(second.as_report(), "comex"))


TIPS = "- Gardez une copie écrite de votre réclamation <datée>.\r\n\r\n• Relevez votre compteur & photographiez-le."


@pytest.mark.requirement("R-RECO-4", "R-REPORT-5")
def test_tips_for_consumers_are_a_list_of_their_own(app, known_year, login):
    """Do the mediator's tips for consumers print as a separate list after the recommendations, one item per
    line (bullets and blank lines dropped, escaped), in both editions and formats, frozen at publication; is
    a list too long refused with 422, storing nothing; and does a report without tips print no such heading?"""
    assert "Conseils pratiques aux consommateurs" not in pdf_text(
        render_edition(publication.current_report(2025), "public"))
    claire = _client(app, login, "mediatrice")
    too_many = _save(claire, consumer_tips="\n".join(f"Conseil {n}" for n in range(texts.TIPS_MAX + 1)))
    assert too_many.status_code == 422
    assert f"le rapport en compte {texts.TIPS_MAX} au plus" in html.unescape(too_many.get_data(as_text=True))
    assert texts.texts_of(2025) is None
    assert _save(claire, consumer_tips=TIPS).status_code == 303
    assert texts.texts_of(2025).consumer_tips == ("Gardez une copie écrite de votre réclamation <datée>.\n"
                                                  "Relevez votre compteur & photographiez-le.")
    published = publication.publish(2025, published_by="mediatrice")
    db.session.commit()
    assert published.figures["texts"]["tips"] == ["Gardez une copie écrite de votre réclamation <datée>.",
                                                 "Relevez votre compteur & photographiez-le."]
    for edition in ("public", "comex"):
        text = pdf_text(render_edition(published.as_report(), edition))
        tips = _chapter(text, "Conseils pratiques aux consommateurs", "Cas concrets")
        assert "• Gardez une copie écrite de votre réclamation <datée>." in tips
        assert "• Relevez votre compteur & photographiez-le." in tips
        recommendations = _chapter(text, "Suivi des recommandations antérieures", "Conseils pratiques")
        assert "Gardez une copie" not in recommendations  # apart from the recommendations to the company
        page = render_html(published.as_report(), edition)
        assert "<li>Gardez une copie écrite de votre réclamation &lt;datée&gt;.</li>" in re.sub(r"\s*<(/?)li>\s*",
                                                                                              r"<\1li>", page)
