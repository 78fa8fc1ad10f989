"""The one facade: what the command line, cron and the tests call. Never imports click.

Each command is one function here. It takes the Session (the loaded configuration and
rule packs) and paths or ids, and returns a result object that carries what was done and
every Problem found; the caller prints. Problems come in the staff language (`lang`
overrides) and are printed with `str(problem)`.

The functions live in three modules by what they touch: `checking` (visits and packs,
nothing written), `documents` (one visit's files and email), `daily` (across visits and
days: due, done, status, run, agenda, register, staff calendars).
"""
from visitplan.api.checking import (CheckResult, advise, check, languages, new_visit,
                                    profiles, schema_json, ticks, write_new, write_schema)
from visitplan.api.daily import (AgendaResult, DueResult, RegisterResult, StatusResult,
                                 agenda, calendar, due, register, run, status, task_ids,
                                 tick, write_calendars)
from visitplan.api.documents import (FollowupResult, PrearrivalResult, Written,
                                     export_templates, followup, prearrival, prepare,
                                     printables, sign)
from visitplan.session import Session, folders, visit_files
from visitplan.visit.config import DEPARTMENTS
from visitplan.visit.loader import MAX_BYTES as MAX_VISIT_BYTES

__all__ = ["Session", "folders", "visit_files", "DEPARTMENTS", "MAX_VISIT_BYTES", "CheckResult", "advise", "check",
           "languages", "new_visit", "profiles", "schema_json", "ticks", "write_new",
           "write_schema", "AgendaResult", "DueResult", "RegisterResult", "StatusResult",
           "agenda", "calendar", "due", "register", "run", "status", "task_ids", "tick",
           "write_calendars", "FollowupResult", "PrearrivalResult", "Written",
           "export_templates", "followup", "prearrival", "prepare", "printables", "sign"]
