"""Add or replace UI strings in both catalogs at once, safely when several people edit.

    python tools/i18n_add.py KEY ZH EN [KEY ZH EN ...]
    python tools/i18n_add.py --file keys.json     # {"key": ["zh", "en"], ...}

Takes an exclusive lock, rewrites both files sorted, so concurrent adds never lose each other.
"""
from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "core" / "locales"


def add(pairs: dict[str, tuple[str, str]]) -> None:
    with (LOCALES / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for index, lang in enumerate(("zh", "en")):
            path = LOCALES / f"{lang}.json"
            data = json.loads(path.read_text(encoding="utf-8"))
            for key, texts in pairs.items():
                data[key] = texts[index]
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(dict(sorted(data.items())), ensure_ascii=False, indent=1)
                           + "\n", encoding="utf-8")
            tmp.replace(path)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--file"]:
        raw = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        pairs = {key: (value[0], value[1]) for key, value in raw.items()}
    else:
        if len(argv) % 3:
            sys.exit("usage: i18n_add.py KEY ZH EN [KEY ZH EN ...] | --file keys.json")
        pairs = {argv[i]: (argv[i + 1], argv[i + 2]) for i in range(0, len(argv), 3)}
    add(pairs)
    print(f"{len(pairs)} key(s) written")


if __name__ == "__main__":
    main(sys.argv[1:])
