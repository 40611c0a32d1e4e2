#!/usr/bin/env python3
"""An SMTP server on 127.0.0.1 for Laget's mail tests.

Accepts every message and writes it to OUT_DIR as NNNN.eml (the message as
received) and NNNN.json: the envelope, the headers (decoded), the text body,
and each calendar part (the inline text/calendar and the .ics attachment)
parsed with the `icalendar` package, a real iCalendar parser. The .json is
written after the .eml and renamed into place, so a reader never sees half of
it.

Started by `laget_testkit::smtp::SmtpSink`: it listens on a free port and
prints «READY <port>» on stdout; it stops when its standard input closes
(the test ended) or on SIGTERM. With --refuse it answers every RCPT with a
permanent 550, for the tests of a refused message.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import sys
import threading

try:
    from aiosmtpd.smtp import SMTP
    import icalendar
except ImportError as e:  # said loudly; the Rust side repeats it
    sys.stderr.write(
        f"smtp_sink.py: {e}. Install the mail test packages with `make deps` "
        "(a venv in target/mail-venv from tests/mail/requirements.txt).\n"
    )
    sys.exit(3)


def text(value):
    return None if value is None else str(value)


def parse_calendar(data):
    cal = icalendar.Calendar.from_ical(data)
    events = []
    for ev in cal.walk("VEVENT"):
        attendees = ev.get("ATTENDEE")
        if attendees is not None and not isinstance(attendees, list):
            attendees = [attendees]
        events.append(
            {
                "uid": text(ev.get("UID")),
                "sequence": int(ev.get("SEQUENCE")) if ev.get("SEQUENCE") is not None else None,
                "dtstart": ev.decoded("DTSTART").isoformat() if ev.get("DTSTART") else None,
                "dtend": ev.decoded("DTEND").isoformat() if ev.get("DTEND") else None,
                "dtstamp": ev.decoded("DTSTAMP").isoformat() if ev.get("DTSTAMP") else None,
                "summary": text(ev.get("SUMMARY")),
                "location": text(ev.get("LOCATION")),
                "description": text(ev.get("DESCRIPTION")),
                "url": text(ev.get("URL")),
                "status": text(ev.get("STATUS")),
                "organizer": text(ev.get("ORGANIZER")),
                "attendees": [text(a) for a in attendees or []],
            }
        )
    return {
        "method": text(cal.get("METHOD")),
        "version": text(cal.get("VERSION")),
        "prodid": text(cal.get("PRODID")),
        "events": events,
    }


def describe(raw, envelope):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {}
    for name in msg.keys():
        headers.setdefault(name, str(msg[name]))
    body = msg.get_body(preferencelist=("plain",))
    calendars = []
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = part.get_filename()
        if filename:
            attachments.append({"filename": filename, "content_type": ctype})
        if ctype in ("text/calendar", "application/ics"):
            payload = part.get_payload(decode=True)
            calendars.append(
                {
                    "content_type": part.get("Content-Type"),
                    "method_param": part.get_param("method"),
                    "filename": filename,
                    "ics": payload.decode("utf-8"),
                    "parsed": parse_calendar(payload),
                }
            )
    return {
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "headers": headers,
        "content_type": msg.get_content_type(),
        "text": body.get_content() if body is not None else None,
        "calendars": calendars,
        "attachments": attachments,
    }


class Sink:
    def __init__(self, out, refuse):
        self.out = out
        self.refuse = refuse
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.out, f"{self.count:04d}")
        raw = envelope.original_content or envelope.content
        with open(name + ".eml", "wb") as f:
            f.write(raw)
        try:
            described = describe(raw, envelope)
        except Exception as e:  # the test reads the error rather than a hang
            described = {"error": f"{type(e).__name__}: {e}"}
        with open(name + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(described, f, ensure_ascii=False, indent=1)
        os.replace(name + ".json.tmp", name + ".json")
        return "250 Message accepted"


async def serve(out, refuse):
    loop = asyncio.get_running_loop()
    sink = Sink(out, refuse)
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", decode_data=False),
        host="127.0.0.1",
        port=0,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    stop = asyncio.Event()

    def watch_stdin():
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--refuse", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    asyncio.run(serve(args.out_dir, args.refuse))


if __name__ == "__main__":
    main()
