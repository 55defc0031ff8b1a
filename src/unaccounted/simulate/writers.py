"""Writing a simulated world to disk: ``sources/`` for ingest, ``truth/`` for evaluation.

Files are written with fixed column order, ``\\n`` line ends and no timestamps, so the
same seed and config give byte-identical output. Every file goes through
:class:`unaccounted.files.Folder`: no link inside the output folder is followed and an
existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from unaccounted.files import Folder, FolderFile
from unaccounted.simulate.config import SourceConfig
from unaccounted.simulate.styles import Table


def write_csv(
    path: FolderFile,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    encoding: str = "utf-8",
) -> None:
    with path.open("w", encoding=encoding) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)


def write_source(folder: Folder, src: SourceConfig, table: Table) -> Path:
    """``<slug>.csv`` in the source's encoding and its mapping file ``<slug>.yaml``."""
    path = folder.path / f"{src.slug}.csv"
    columns = [np.asarray(c, dtype=object).tolist() for c in table.columns]
    write_csv(folder / path.name, table.headers, zip(*columns, strict=True), src.encoding)
    mapping: dict[str, Any] = {
        "source": src.name,
        "kind": src.kind,
        "publisher": src.publisher,
        "url": src.url,
        "independence_group": src.independence_group,
    }
    if src.encoding != "utf-8":
        mapping["encoding"] = src.encoding
    if table.mapping:
        mapping["columns"] = dict(table.mapping)
    text = yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=1000)
    with (folder / f"{src.slug}.yaml").open("w") as fh:
        fh.write(text)
    return path


def write_json(path: FolderFile, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    with path.open("w") as fh:
        fh.write(text + "\n")
