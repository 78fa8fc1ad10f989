"""Hand-written visits for the cross-visit commands (agenda, register, calendar, print):
small enough to read in a test, each one a real visit file in a tmp folder."""
from __future__ import annotations

from pathlib import Path

HOST = """host:
  company: Brightway Lighting Co., Ltd.
  company_local: 深圳明辉照明有限公司
  country: CN
  contact: {name: 李伟, name_latin: Li Wei, phone: "+86 138 0000 0000"}
"""
LEADER = "  leader: {name: 王建国, name_latin: Wang Jianguo, role: General Manager}\n"

GUESTS = {
    "kr": """  - {name: 김민준, name_latin: Kim Minjun, title: Purchasing Director,
     company: Hanbit Electronics, country: KR, senior: true, diet: [no-pork],
     email: minjun.kim@hanbit.example}
  - {name: 이서연, name_latin: Lee Seoyeon, title: Quality Engineer,
     company: Hanbit Electronics, country: KR, diet: ["allergy:peanuts"]}
""",
    "cn": """  - {name: 陈静, name_latin: Chen Jing, title: 采购总监, company: 华南灯具,
     country: CN, senior: true, email: chen@huanan.example}
""",
    "de": """  - {name: Jonas Müller, title: Head of Purchasing, company: Lumen GmbH,
     country: DE, diet: [vegetarian], email: mueller@lumen.example}
""",
}


def visit_text(vid: str, day: str = "2026-12-08", *, guests: str = "kr",
               leader: bool = True, pickup: bool = True, arrive: str = "10:30",
               items: list[str] | None = None, title: str | None = None) -> str:
    """A visit of one night: arrival on `day`, departure the next day at 16:00."""
    y, m, d = (int(x) for x in day.split("-"))
    nxt = f"{y:04d}-{m:02d}-{d + 1:02d}"
    items = items if items is not None else [
        f"{{at: {day} 14:00, until: {day} 16:00, kind: meeting, what: Negotiation, "
        "where: Room A}",
        f"{{at: {day} 18:30, until: {day} 20:30, kind: meal, what: Welcome dinner, "
        "where: Xin Rong Ji}"]
    schedule = "".join(f"  - {item}\n" for item in items)
    return (f"id: {vid}\ntitle: {title or vid + ' visit'}\npurpose: Audit the SMT line\n"
            "language: ko\nstaff_language: en\ntimezone: Asia/Shanghai\n"
            + HOST + (LEADER if leader else "") + "guests:\n" + GUESTS.get(guests, guests)
            + f"arrival: {{by: flight, number: OZ369, at: {day} {arrive}, "
              f"place: Bao'an T3, pickup: {'true' if pickup else 'false'}}}\n"
            + f"departure: {{by: flight, number: OZ370, at: {nxt} 16:00, place: Bao'an T3}}\n"
            + "hotel: {name: Hilton Shekou}\n"
            + ("schedule:\n" + schedule if items else ""))


def site(root: Path, visits: dict[str, str], config: str = "") -> dict:
    """A visits folder with the given files and a configuration naming it."""
    folder = root / "visits"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in visits.items():
        (folder / name).write_text(text, encoding="utf-8")
    cfg = root / "visitplan.yaml"
    cfg.write_text(f"visits: {folder}\nstate: {root / 'state.sqlite3'}\n"
                   f"output: {root / 'out'}\nstaff_language: en\n" + config,
                   encoding="utf-8")
    return {"visits": folder, "config": cfg, "root": root}
