#!/usr/bin/env python3
"""Read an iCalendar feed with Python's icalendar and print what it says.

Used by roundtrip_test.go as an implementation independent of the hub's Go
code (Debian: python3-icalendar, which brings python3-dateutil). Usage:

    expand.py FEED.ics FROM TO

FROM and TO are UTC instants (2026-10-01T00:00:00Z). Prints JSON: for each
VEVENT its UID, text properties, DTSTART and its zone, RRULE, EXDATEs, and
the occurrences starting in [FROM, TO), expanded with dateutil.rrule, each
with its STATUS and start: the VEVENT's, or those of an override (a VEVENT
with the same UID and a RECURRENCE-ID naming the occurrence), as RFC 5545
says. Each
timed occurrence is resolved to UTC twice: with the system tz database
(zoneinfo) and with the feed's own VTIMEZONE (icalendar's Timezone.to_tz),
so a wrong VTIMEZONE shows up as a difference.
"""

import datetime
import json
import sys
from zoneinfo import ZoneInfo

import icalendar
from dateutil import rrule

UTC = datetime.timezone.utc


def text(component, name):
    value = component.get(name)
    return None if value is None else str(value)


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def raw_categories(data):
    """UID -> CATEGORIES, split on unescaped commas only. icalendar 4.0.3
    unescapes a value before splitting it (even in its content-line
    parser), so "Food\\, drink" comes out as two categories; the raw lines,
    unfolded as RFC 5545 says, keep the escapes."""
    text_ = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    out, uid, cats = {}, None, []
    for line in text_.split("\r\n"):
        name, _, value = line.partition(":")
        name = name.split(";")[0].upper()
        if name == "BEGIN" and value == "VEVENT":
            uid, cats = None, []
        elif name == "UID":
            uid = value
        elif name == "CATEGORIES":
            cats.extend(split_text_list(value))
        elif name == "END" and value == "VEVENT":
            out[uid] = cats
    return out


def split_text_list(raw):
    """Split an escaped TEXT list on unescaped commas and unescape it."""
    items, cur, i = [], [], 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            cur.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        if c == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    items.append("".join(cur))
    return items


def fix_until(vtimezone):
    """icalendar 4.0.3's Timezone.to_tz hands dateutil a naive DTSTART with
    a UTC UNTIL, which dateutil refuses. RFC 5545 requires UNTIL in UTC in a
    VTIMEZONE, so turn it into the local wall time to_tz compares with."""
    for sub in vtimezone.subcomponents:
        rule = sub.get("RRULE")
        if rule is None or "UNTIL" not in rule:
            continue
        until = rule["UNTIL"][0]
        if isinstance(until, datetime.datetime) and until.tzinfo is not None:
            offset = sub["TZOFFSETFROM"].td
            rule["UNTIL"] = [until.astimezone(UTC).replace(tzinfo=None) + offset]


def instant(prop):
    """A DTSTART or RECURRENCE-ID as a datetime: naive midnight for a DATE,
    in its TZID's zone (by the system's tz database), else in UTC; and
    whether it is a DATE."""
    dt = prop.dt
    if not isinstance(dt, datetime.datetime):
        return datetime.datetime.combine(dt, datetime.time()), True
    tzid = prop.params.get("TZID")
    if tzid:
        return dt.replace(tzinfo=None).replace(tzinfo=ZoneInfo(tzid)), False
    return dt.astimezone(UTC), False


def wall(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def main():
    path, start, end = sys.argv[1:4]
    win_from = datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))
    win_to = datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))
    with open(path, "rb") as f:
        data = f.read()
    cal = icalendar.Calendar.from_ical(data)
    categories = raw_categories(data)

    vtimezones = {}
    for tz in cal.walk("VTIMEZONE"):
        fix_until(tz)
        vtimezones[str(tz["TZID"])] = tz.to_tz()

    out = {
        "calendar": {
            "name": text(cal, "X-WR-CALNAME"),
            "timezone": text(cal, "X-WR-TIMEZONE"),
            "prodid": text(cal, "PRODID"),
            "vtimezones": sorted(vtimezones),
        },
        "events": [],
    }
    overrides = {}
    for ev in cal.walk("VEVENT"):
        if ev.get("RECURRENCE-ID") is None:
            continue
        rid, _ = instant(ev["RECURRENCE-ID"])
        start, _ = instant(ev["DTSTART"])
        overrides[(text(ev, "UID"), rid)] = {
            "status": text(ev, "STATUS") or "CONFIRMED",
            "start": start,
            "description": text(ev, "DESCRIPTION"),
        }
    out["overrides"] = []
    for ev in cal.walk("VEVENT"):
        if ev.get("RECURRENCE-ID") is not None:
            rid, all_day_rid = instant(ev["RECURRENCE-ID"])
            out["overrides"].append({
                "uid": text(ev, "UID"),
                "recurrence_id": rid.strftime("%Y-%m-%d") if all_day_rid else wall(rid),
                "status": text(ev, "STATUS"),
                "description": text(ev, "DESCRIPTION"),
            })
            continue
        prop = ev["DTSTART"]
        dt = prop.dt
        all_day = not isinstance(dt, datetime.datetime)
        start_dt, _ = instant(prop)
        tzid = None if all_day else (prop.params.get("TZID") or "UTC")
        status = text(ev, "STATUS") or "CONFIRMED"

        rule = ev.get("RRULE")
        rule_text = rule.to_ical().decode() if rule is not None else ""
        rset = rrule.rruleset()
        if rule_text:
            rset.rrule(rrule.rrulestr(rule_text, dtstart=start_dt))
        else:
            rset.rdate(start_dt)
        exdates = []
        for exprop in as_list(ev.get("EXDATE")):
            ex_tzid = exprop.params.get("TZID") if hasattr(exprop, "params") else None
            for d in exprop.dts:
                x = d.dt
                if isinstance(x, datetime.datetime):
                    x_zone = ZoneInfo(ex_tzid) if ex_tzid else UTC
                    if x.tzinfo is not None and not ex_tzid:
                        x = x.astimezone(UTC)
                    else:
                        x = x.replace(tzinfo=None).replace(tzinfo=x_zone)
                    exdates.append(wall(x) + ("Z" if x_zone is UTC else ""))
                else:
                    x = datetime.datetime.combine(x, datetime.time())
                    exdates.append(x.strftime("%Y-%m-%d"))
                rset.exdate(x)

        if all_day:
            lo, hi = win_from.replace(tzinfo=None), win_to.replace(tzinfo=None)
        else:
            lo, hi = win_from, win_to
        occurrences = []
        for occ in rset.between(lo, hi, inc=True):
            if occ >= hi:
                continue
            override = overrides.get((text(ev, "UID"), occ))
            occ_status = override["status"] if override else status
            if override:
                occ = override["start"]  # an override may move it
            if all_day:
                occurrences.append({"local": occ.strftime("%Y-%m-%d"), "status": occ_status})
                continue
            item = {"local": wall(occ), "utc": wall(occ.astimezone(UTC)) + "Z", "status": occ_status}
            if tzid in vtimezones:
                by_vtz = vtimezones[tzid].localize(occ.replace(tzinfo=None), is_dst=False)
                item["utc_by_vtimezone"] = wall(by_vtz.astimezone(UTC)) + "Z"
            occurrences.append(item)

        # Moved occurrences take their place by their new times.
        occurrences.sort(key=lambda o: o.get("utc") or o["local"])
        out["events"].append({
            "uid": text(ev, "UID"),
            "summary": text(ev, "SUMMARY"),
            "description": text(ev, "DESCRIPTION"),
            "location": text(ev, "LOCATION"),
            "url": text(ev, "URL"),
            "categories": categories.get(text(ev, "UID"), []),
            "all_day": all_day,
            "start": dt.strftime("%Y-%m-%d") if all_day else wall(start_dt),
            "tzid": tzid,
            "status": status,
            "rrule": rule_text,
            "exdates": exdates,
            "occurrences": occurrences,
        })
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
