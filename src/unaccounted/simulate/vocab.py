"""The words sources use for statuses, categories and ranks, by style.

Each entry lists the variants a style writes for one canonical value; the renderer picks
one per record. These are the raw shapes the normalizer must map back.
"""

from __future__ import annotations

STATUS_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "official": {
        "killed": ("погиб",), "missing": ("пропал без вести",), "captured": ("в плену",),
        "wounded": ("ранен",), "returned": ("возвращён из плена",),
    },
    "obituary": {
        "killed": ("погиб", "погиб в ходе СВО", "пал смертью храбрых", "погиб при исполнении"),
        "missing": ("пропал без вести",), "captured": ("в плену",), "wounded": ("ранен",),
        "returned": ("вернулся из плена",),
    },
    "social": {
        "killed": ("погиб", "200", "груз 200", "погиб на СВО"),
        "missing": ("пропал без вести", "б/в", "пропал", "нет связи"),
        "captured": ("в плену", "плен"), "wounded": ("300", "ранен", "трёхсотый"),
        "returned": ("вернулся из плена", "вернулся домой"),
    },
    "translit": {
        "killed": ("KIA", "killed"), "missing": ("MIA", "missing"), "captured": ("POW",),
        "wounded": ("WIA",), "returned": ("returned (exchange)",),
    },
    "memorial": {
        "killed": ("погиб", "погиб", "умер от ран"), "missing": ("пропал б/в", "пропал без вести"),
        "captured": ("в плену",), "wounded": ("ранен",), "returned": ("вернулся",),
    },
    "grave": {"killed": ("погиб", ""), "missing": ("",)},
    "roster": {
        "killed": ("200",), "missing": ("б/в", "СОЧ?"), "captured": ("плен",), "wounded": ("300",),
        "returned": ("вернулся из плена",),
    },
}  # fmt: skip
STATUS_WORDS["official_split"] = STATUS_WORDS["official"]

#: Court decisions, masculine and feminine.
COURT_WORDS: dict[str, tuple[str, str]] = {
    "declared_dead": ("признан умершим", "признана умершей"),
    "declared_missing": ("признан безвестно отсутствующим", "признана безвестно отсутствующей"),
}

CATEGORY_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "mobilized": ("мобилизованный", "мобилизован"), "contract": ("контрактник", "по контракту"),
        "volunteer": ("доброволец",), "conscript": ("срочник", "военнослужащий по призыву"),
        "prisoner": ("осуждённый", "Шторм Z"), "pmc": ("ЧВК",),
    },
    "en": {
        "mobilized": ("mobilized",), "contract": ("contract soldier",), "volunteer": ("volunteer",),
        "conscript": ("conscript",), "prisoner": ("prisoner recruit",), "pmc": ("PMC",),
    },
}  # fmt: skip

RANK_ABBREVIATIONS: dict[str, str] = {
    "рядовой": "ряд.", "ефрейтор": "ефр.", "младший сержант": "мл. с-т", "сержант": "с-т",
    "старший сержант": "ст. с-т", "прапорщик": "пр-к", "лейтенант": "л-т",
    "старший лейтенант": "ст. л-т", "капитан": "к-н", "майор": "м-р", "подполковник": "п/п-к",
}  # fmt: skip
RANK_ENGLISH: dict[str, str] = {
    "рядовой": "private", "ефрейтор": "corporal", "младший сержант": "junior sergeant",
    "сержант": "sergeant", "старший сержант": "senior sergeant", "прапорщик": "warrant officer",
    "лейтенант": "lieutenant", "старший лейтенант": "senior lieutenant", "капитан": "captain",
    "майор": "major", "подполковник": "lieutenant colonel",
}  # fmt: skip
