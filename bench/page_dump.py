"""Render the hub mix's pages for several roles and records and write each page's HTML, to
prove a performance change leaves every page byte-identical.

Through Django's test client under the production settings (as `bench/profile_hub.py`):
child profiles (every child the demo hub has, plus a sample of the load data's), person
searches, the intelligence search, the inbox and the Hub dashboard, as each of the demo
users who may open them (a page a role may not open is written too: its refusal must not
change either). The per-request values (CSRF token, CSP nonce, one-time submit key) are
replaced by placeholders; nothing else is touched.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \
        uv run python bench/page_dump.py --out /tmp/pages-before
    # ...change the code...
    BENCH_DATABASE_URL=... uv run python bench/page_dump.py --out /tmp/pages-after
    diff -r /tmp/pages-before /tmp/pages-after && echo identical

Each view writes its consultation row (the database grows by a few hundred audit rows a
run); no page shows those rows, so two runs compare equal.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS = (
    "sw.demo",
    "fib.demo",
    "chair.demo",
    "practitioner.demo",
    "school.demo",
    "analyst.demo",
    "mash.demo",
    "ppu.demo",
    "ig.demo",
)
# Values that differ on every request, whatever the code.
VOLATILE = (
    (
        re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
        'name="csrfmiddlewaretoken" value="X"',
    ),
    (re.compile(r'nonce="[^"]+"'), 'nonce="X"'),
    (re.compile(r'name="submit_key" value="[^"]+"'), 'name="submit_key" value="X"'),
    # The dashboard says when its figures were counted (kept a minute).
    (re.compile(r'data-testid="counted-at">[^<]*<'), 'data-testid="counted-at">X<'),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--children", type=int, default=40, help="load-data children to add")
    parser.add_argument("--searches", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from bench.profile_hub import _production_env, _verify_session

    _production_env()
    import logging

    import django

    django.setup()
    for handler in logging.getLogger().handlers + logging.getLogger("cairn").handlers:
        if hasattr(handler, "stream"):
            handler.stream = open(os.devnull, "w")  # noqa: SIM115
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    from django.test import Client

    from cairn.accounts.models import User
    from cairn.pole.models import Person, PersonName

    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    secure = {"secure": True, "HTTP_X_FORWARDED_PROTO": "https"}

    demo_children = list(
        Person.objects.filter(category="child").order_by("pk").values_list("pk", flat=True)[:60]
    )
    all_children = list(Person.objects.filter(category="child").values_list("pk", flat=True))
    sample = rng.sample(all_children, min(args.children, len(all_children)))
    child_ids = sorted(set(demo_children) | set(sample))
    families = sorted(
        {f for f in PersonName.objects.values_list("family_name", flat=True)[:5000] if len(f) > 2}
    )
    queries = [*rng.sample(families, min(args.searches, len(families))), "ab", "smith j"]
    urls = [f"/people/{pk}/" for pk in child_ids]
    urls += [f"/people/?q={urllib.parse.quote(q)}" for q in queries]
    urls += [f"/people/?q={urllib.parse.quote(queries[0])}&page=2"]
    urls += ["/intelligence/search/?q=" + urllib.parse.quote(q) for q in ("car", "BV000012", "")]
    urls += ["/inbox/", "/hub/dashboard/", "/"]

    digest = hashlib.sha256()
    pages = 0
    for username in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        _verify_session(client, user)
        folder = out / username
        folder.mkdir(exist_ok=True)
        for url in urls:
            response = client.get(url, **secure)
            body = response.content.decode("utf-8", "replace")
            for pattern, placeholder in VOLATILE:
                body = pattern.sub(placeholder, body)
            name = re.sub(r"[^A-Za-z0-9]+", "_", url).strip("_") or "home"
            text = f"{response.status_code}\n{body}"
            (folder / f"{name}.html").write_text(text)
            digest.update(text.encode())
            pages += 1
    print(f"{pages} pages, {len(child_ids)} children, sha256 {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
