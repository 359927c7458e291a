"""Benchmark: rendering 1,000 certificates one document each vs in chunks split into pages
across both cores (issue 7 target: at least 8x faster, peak memory under 500 MB).

    .venv/bin/python bench/certificates.py [--count 1000] [--chunk 100] [--workers 2]

Both ways render the same records; the slow way runs first in this process. Memory is the
peak resident size of this process and of the largest worker (workers are recycled every
few chunks because WeasyPrint's memory grows over long render loops).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leans import create_app
from leans.certificates.document import RenderPool, render_one_by_one

NAMES = ["Dr. H. Ahmad Fauzi Rahmatullah, S.Sos., M.Si.", "Siti Nurhayati, S.E., M.M.",
         "Ir. Endang Sulistyowati, M.P.", "Sutrisno", "Hj. Lilik Maslikah, S.Pd., M.Pd."]


def records(count: int) -> list[dict]:
    return [{
        "government": "Pemerintah Kabupaten Bojonegoro",
        "agency": "Badan Kepegawaian, Pendidikan dan Pelatihan",
        "number": f"{n:04d}/LEANS/BKPP/2026", "name": NAMES[n % len(NAMES)],
        "nip": "19781205 200312 1 004" if n % 3 else "", "ni_pppk": "",
        "birth_date": "1978-12-05" if n % 3 else "", "pangkat": "Pembina (IV/a)",
        "jabatan": "Kepala Bidang Perlindungan dan Jaminan Sosial", "unit": "Dinas Sosial",
        "training": "Pelatihan Kepemimpinan LEANS", "cohort": "LEANS Angkatan I",
        "starts_on": "2026-10-05", "ends_on": "2026-12-18", "place": "Aula BKPP",
        "jp": 24, "predicate": "Memuaskan", "score": 85, "issue_place": "Bojonegoro",
        "issued_on": dt.date(2026, 12, 18).isoformat(),
        "signatory_title": "Kepala BKPP Kabupaten Bojonegoro", "signatory_name": "",
        "signatory_nip": "", "verify_url": f"https://leans.example/verify/code{n:012d}"}
        for n in range(1, count + 1)]


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench" * 8,
                      "LEANS_QUEUE_IMMEDIATE": True})
    items = records(args.count)
    with app.app_context():
        chunks = [items[i:i + args.chunk] for i in range(0, len(items), args.chunk)]
        start = time.perf_counter()
        with RenderPool(args.workers) as pool:
            fast = [pdf for chunk in chunks for pdf in pool.render(chunk)]
        fast_seconds = time.perf_counter() - start
        parent_peak = peak_mb(resource.RUSAGE_SELF)
        worker_peak = peak_mb(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        slow = render_one_by_one(items)
        slow_seconds = time.perf_counter() - start
        slow_peak = peak_mb(resource.RUSAGE_SELF)
    assert len(slow) == len(fast) == args.count
    ratio = slow_seconds / fast_seconds
    print(f"{args.count} certificates; chunks of {args.chunk}; {args.workers} worker processes")
    print(f"one document each : {slow_seconds:7.1f} s  {slow_seconds / args.count:.3f} s/cert")
    print(f"chunked, parallel : {fast_seconds:7.1f} s  {fast_seconds / args.count:.3f} s/cert")
    print(f"speed-up: {ratio:.1f}x (target >= 8x)")
    export_peak = parent_peak + args.workers * worker_peak
    print(f"peak memory, chunked: parent {parent_peak:.0f} MB, largest worker "
          f"{worker_peak:.0f} MB, together at most {export_peak:.0f} MB (target < 500 MB)")
    print(f"peak memory, one document each (single process): {slow_peak:.0f} MB")
    print("PASS" if ratio >= 8 and export_peak < 500 else "FAIL")


if __name__ == "__main__":
    main()
