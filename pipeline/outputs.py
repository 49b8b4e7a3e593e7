"""What a scholar opens after a run: the state of the corpus as CSV, JSON and Markdown in outputs/corpus/."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pipeline.acts import write_atomic
from pipeline.store import Store


def corpus_status(store: Store) -> list[dict[str, Any]]:
    """Per act: title, editions with dates, articles in the newest edition, last refresh, last error."""
    rows = []
    for w in store.works():
        editions = store.editions(w["work_id"])
        newest = editions[-1] if editions else None
        rows.append(
            {
                "work_id": w["work_id"],
                "kind": "instrument" if (w["role"] or "").startswith("instrument") else "act",
                "title": w["title"],
                "number": w["number"],
                "editions": [
                    {
                        "date": e.date.isoformat(),
                        "revision": e.revision,
                        "basis": e.basis,
                        "articles": e.article_count,
                        "provisions": e.provision_count,
                        "warnings": len(e.warnings),
                    }
                    for e in editions
                ],
                "articles": newest.article_count if newest else 0,
                "provisions": newest.provision_count if newest else 0,
                "last_refresh": w["last_refresh"],
                "last_success": w["last_success"],
                "last_error": w["last_error"],
            }
        )
    return rows


def write_corpus_outputs(store: Store, folder: Path) -> list[Path]:
    status = corpus_status(store)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, csv_path, md_path = folder / "corpus.json", folder / "corpus.csv", folder / "README.md"
    write_atomic(json_path, json.dumps(status, ensure_ascii=False, indent=2) + "\n")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["act", "title", "edition", "basis", "articles", "provisions", "parser warnings", "newest"])
    for r in status:
        for i, e in enumerate(r["editions"]):
            writer.writerow(
                [
                    r["work_id"],
                    r["title"],
                    e["date"],
                    e["basis"] or "",
                    e["articles"],
                    e["provisions"],
                    e["warnings"],
                    "yes" if i == len(r["editions"]) - 1 else "",
                ]
            )
    write_atomic(csv_path, buf.getvalue())
    lines = [
        "# The corpus",
        "",
        "| act | title | editions | articles (newest) | last refresh | last error |",
        "|---|---|---|---|---|---|",
    ]
    for r in status:
        dates = ", ".join(e["date"] for e in r["editions"])
        lines.append(
            f"| {r['work_id']} | {r['title'] or ''} | {dates} | {r['articles']} | "
            f"{r['last_refresh'] or ''} | {r['last_error'] or ''} |"
        )
    write_atomic(md_path, "\n".join(lines) + "\n")
    return [md_path, csv_path, json_path]
