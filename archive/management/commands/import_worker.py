import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand

from archive import jobs

log = logging.getLogger("archive.jobs")


class Command(BaseCommand):
    help = (
        "Import the queued uploads, one at a time, and wait for more (--once: until the queue "
        "is empty). SIGTERM or SIGINT: the job being imported goes back to the queue and the "
        "worker exits. Run one or more beside the web server (PostgreSQL: on any machine)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="import what is queued, then exit")

    def handle(self, *args, **options):
        stop = []

        def ask_to_stop(signum, frame):
            if stop:  # asked twice: stop now
                raise KeyboardInterrupt
            log.info("import worker: stopping (signal %d)", signum)
            stop.append(signum)

        main = threading.current_thread() is threading.main_thread()  # (signals need it)
        signals = (signal.SIGTERM, signal.SIGINT) if main else ()
        previous = {sig: signal.signal(sig, ask_to_stop) for sig in signals}

        def sleep(seconds):
            end = time.monotonic() + seconds
            while not stop and time.monotonic() < end:
                time.sleep(min(0.2, max(end - time.monotonic(), 0)))

        try:
            ran = jobs.work(once=options["once"], should_stop=lambda: bool(stop), sleep=sleep)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if options["verbosity"] > 0:
            self.stdout.write(f"{ran} upload{'s' if ran != 1 else ''} imported")
