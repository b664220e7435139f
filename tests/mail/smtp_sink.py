#!/usr/bin/env python3
"""An SMTP sink for the mail tests and bench (python3-aiosmtpd): accepts every
message on 127.0.0.1:PORT and records each as DIR/<n>.json ({"from", "rcpt",
"data"}), written through a temporary name so a reader never sees half a file.
Usage: smtp_sink.py PORT DIR.  Runs until SIGTERM."""
import asyncio
import itertools
import json
import os
import signal
import sys

from aiosmtpd.controller import Controller

PORT, DIR = int(sys.argv[1]), sys.argv[2]
os.makedirs(DIR, exist_ok=True)
counter = itertools.count(len(os.listdir(DIR)) + 1)


class Sink:
    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        path = os.path.join(DIR, f"{n:06d}.json")
        with open(path + ".part", "w") as f:
            json.dump({"from": envelope.mail_from, "rcpt": envelope.rcpt_tos,
                       "data": envelope.original_content.decode("utf-8", "replace")}, f)
        os.rename(path + ".part", path)
        return "250 OK"


controller = Controller(Sink(), hostname="127.0.0.1", port=PORT, data_size_limit=0)
controller.start()
stop = asyncio.Event()
loop = asyncio.new_event_loop()
loop.add_signal_handler(signal.SIGTERM, stop.set)
loop.add_signal_handler(signal.SIGINT, stop.set)
loop.run_until_complete(stop.wait())
controller.stop()
