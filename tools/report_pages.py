"""Page images of the public edition of a seeded year, for docs/screenshots (`pdftoppm` must be installed).

    python tools/report_pages.py [--cases 6000] [--pages 1,3,5,6,9,11]

Seeds a throwaway SQLite database with two years of files and a few recommendations, publishes the
first year, and writes docs/screenshots/report-public-pN.png (60 dpi) and the two PDFs next to them.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
RECOMMENDATIONS = [
    ("Expliquer les factures de régularisation", "facturation.contestation", "billing", "ACCEPTED",
     "Un encart explicatif accompagnera chaque facture de régularisation à partir de juin."),
    ("Rembourser sous 14 jours les doubles prélèvements", "facturation.double_prelevement", "billing", "IN_PROGRESS",
     "Le remboursement automatique est en test sur une région."),
    ("Accuser réception de chaque demande de résiliation", "resiliation.non_prise_en_compte", "billing",
     "IMPLEMENTED", "Un accusé de réception est envoyé depuis mars."),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=6000)
    parser.add_argument("--pages", default="1,3,4,5,9,11")
    args = parser.parse_args()
    from mediator_plugin import create_app
    from mediator_plugin.core.db import db
    from mediator_plugin.core.permissions import Identity, Role
    from mediator_plugin.core.schema import upgrade_schema
    from mediator_plugin.recommendations import services as register
    from mediator_plugin.reports import snapshots
    from mediator_plugin.reports.figures import compute
    from mediator_plugin.reports.pdf import render_edition
    from mediator_plugin.seed import seed_cases

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"env": "test", "database_url": f"sqlite:///{tmp}/report.db", "storage_dir": tmp})
        with app.app_context():
            upgrade_schema()
            seed_cases(args.cases, first_year=2024, last_year=2025, now=datetime(2026, 2, 1, tzinfo=UTC))
            mediator = Identity(sub="claire", name="Claire Martin", roles=frozenset({Role.MEDIATOR}))
            for n, (title, category, department, status, explanation) in enumerate(RECOMMENDATIONS):
                year = 2024 if n == 2 else 2025
                r = register.issue(mediator, title=title, finding=f"Catégorie {category}", text=explanation,
                                   category_codes=[category], addressee=department, issued_on=date(year, 4, 2 + n),
                                   owner="Direction de la relation client", due_on=date(year, 12, 1))
                register.update(r, mediator, status=status, public_explanation=explanation)
            db.session.commit()
            snapshot = snapshots.publish(2025, compute(2025), published_by="claire",
                                         now=datetime(2026, 3, 30, 9, tzinfo=UTC))
            db.session.commit()
            for edition in ("public", "comex"):
                (Path(tmp) / f"{edition}.pdf").write_bytes(render_edition(snapshot.as_report(), edition))
        OUT.mkdir(parents=True, exist_ok=True)
        for page in (int(p) for p in args.pages.split(",")):
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                            str(Path(tmp) / "public.pdf"), str(OUT / f"report-public-p{page}")], check=True)
        print("\n".join(sorted(str(p.relative_to(ROOT)) for p in OUT.glob("report-public-p*.png"))))


if __name__ == "__main__":
    main()
