"""Annual report speed: both editions of a year of N files, and how the time grows with N.

    python bench/report_speed.py [--sizes 20000,200000]

For each size, a fresh SQLite database gets N files received in one year (`mediator seed --cases N
--years 2025-2025`). A separate process then computes the figures of 2025 in SQL and renders the public
and comex editions as PDF, timing that work (wall clock, after start-up) and reporting its own peak
resident memory (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, the whole process: interpreter, Flask,
ReportLab and the work). Target (issue 5): 20,000 files, both editions in ≤ 5 s and ≤ 300 MB;
200,000 files in ≤ 2× the time of 20,000, measured in the same run. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIATOR = Path(sys.executable).parent / "mediator"
MEASURE = """
import json, resource, time
from mediator_plugin import create_app
app = create_app()
with app.app_context():
    from mediator_plugin.reports.figures import compute
    from mediator_plugin.reports.pdf import render_edition
    from mediator_plugin.reports.snapshots import live_report
    render_edition(live_report(compute(2019)), "public")  # fonts and templates loaded before timing
    start = time.perf_counter()
    figures = compute(2025)
    computed = time.perf_counter()
    sizes = [len(render_edition(live_report(figures), edition)) for edition in ("public", "comex")]
    done = time.perf_counter()
print(json.dumps({"figures": computed - start, "total": done - start, "bytes": sizes,
                  "saisines": figures["table_a"]["all"]["saisines"]["value"],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(size: int, workdir: Path) -> dict:
    env = {**os.environ, "MEDIATOR_ENV": "test", "MEDIATOR_DATABASE_URL": f"sqlite:///{workdir}/r{size}.db",
           "MEDIATOR_STORAGE_DIR": str(workdir / "files")}
    subprocess.run([MEDIATOR, "init"], env=env, check=True, capture_output=True)
    subprocess.run([MEDIATOR, "seed", "--cases", str(size), "--years", "2025-2025"], env=env, check=True,
                   capture_output=True)
    out = subprocess.run([sys.executable, "-c", MEASURE], env=env, check=True, capture_output=True, text=True,
                         cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        results = {size: measure(size, Path(tmp)) for size in sizes}
    base = results[sizes[0]]["total"]
    print("| files | saisines 2025 (consumers) | figures in SQL (s) | both PDFs from the figures (s) | "
          f"figures + both PDFs (s) | ratio to {sizes[0]:,} | peak memory (MB) |")
    print("|---|---|---|---|---|---|---|")
    for size, r in results.items():
        print(f"| {size:,} | {r['saisines']:,} | {r['figures']:.2f} | {r['total'] - r['figures']:.2f} "
              f"| {r['total']:.2f} | {r['total'] / base:.2f} | {r['peak_mb']:.0f} |")


if __name__ == "__main__":
    main()
