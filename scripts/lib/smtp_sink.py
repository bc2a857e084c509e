"""A real SMTP server on loopback that keeps what it receives: each message is written whole
to FOLDER as NNNN.eml once the client has sent it and the server accepts it (never before).

    smtp_sink.py FOLDER PORT_FILE [--stall SECONDS]

It writes the port it listens on to PORT_FILE. With --stall, a RCPT TO that arrives while the
file FOLDER/stall-next exists waits that long before it is answered (the file is removed and
FOLDER/stalled names the recipient and the sender's port): a sender killed then has delivered
nothing.
"""

import argparse
import asyncio
import itertools
import os
import signal
import socket

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder, stall):
        self.folder = folder
        self.stall = stall
        self.count = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        trigger = os.path.join(self.folder, "stall-next")
        if self.stall and os.path.exists(trigger):
            os.remove(trigger)
            # Who the stalled mail is for, and the sender's port (which names the sender).
            with open(os.path.join(self.folder, ".stalled"), "w", encoding="utf-8") as f:
                f.write(f"{address}\n{session.peer[1]}\n")
            os.rename(os.path.join(self.folder, ".stalled"), os.path.join(self.folder, "stalled"))
            await asyncio.sleep(self.stall)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.count)
        partial = os.path.join(self.folder, f".{n:04d}.partial")
        with open(partial, "wb") as f:
            f.write(envelope.original_content or envelope.content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(partial, os.path.join(self.folder, f"{n:04d}.eml"))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("port_file")
    parser.add_argument("--stall", type=float, default=0)
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(args.folder, args.stall), hostname="127.0.0.1", port=port)
    controller.start()
    with open(args.port_file + ".partial", "w", encoding="utf-8") as f:
        f.write(f"{port}\n")
    os.rename(args.port_file + ".partial", args.port_file)
    signal.sigwait([signal.SIGTERM, signal.SIGINT])
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT])
    main()
