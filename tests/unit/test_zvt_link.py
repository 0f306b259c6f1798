"""The ZVT links: serial frames with ACK/NAK and retries over a real pty, APDUs over a real socket."""

from __future__ import annotations

import os
import select
import socket
import threading
import tty

import pytest

from devices.zvt import link as links
from devices.zvt import messages
from devices.zvt.apdu import Apdu
from devices.zvt.errors import LinkError, LinkTimeout
from devices.zvt.framing import ACK, NAK, encode_frame
from devices.zvt.link import SerialLink, TcpLink
from devices.zvt.transport import SerialTransport, TcpTransport


@pytest.fixture
def pty_pair():
    """A serial link on a pty's device path, and the raw other end."""
    master, slave = os.openpty()
    tty.setraw(slave)
    link = SerialLink(SerialTransport(os.ttyname(slave)))
    link.open()
    yield link, master
    link.close()
    os.close(master)
    os.close(slave)


def read_available(fd: int, wait: float = 1.0) -> bytes:
    out = b""
    while select.select([fd], [], [], wait)[0]:
        out += os.read(fd, 1024)
        wait = 0.2
    return out


def test_a_frame_is_sent_again_after_a_nak(pty_pair):
    link, other = pty_pair
    command = messages.authorisation(1000)
    frame = encode_frame(command.encode())
    seen = []

    def terminal():
        for answer in (NAK, ACK):
            seen.append(read_available(other))
            os.write(other, bytes([answer]))

    thread = threading.Thread(target=terminal)
    thread.start()
    link.send(command)
    thread.join()
    assert seen == [frame, frame]


def test_a_frame_never_acknowledged_fails_after_three_attempts(pty_pair, monkeypatch):
    monkeypatch.setattr(links, "T1_ACK_TIMEOUT_S", 0.2)
    link, other = pty_pair
    command = messages.status_enquiry()
    with pytest.raises(LinkError, match="not acknowledged after 3 attempts"):
        link.send(command)
    assert read_available(other, 0.5) == encode_frame(command.encode()) * 3


def test_a_frame_with_a_bad_crc_is_naked_then_taken_when_repeated(pty_pair):
    link, other = pty_pair
    good = encode_frame(messages.completion().encode())
    bad = good[:-1] + bytes([good[-1] ^ 0xFF])
    os.write(other, bad + good)
    assert link.receive(2.0) == messages.completion()
    assert read_available(other) == bytes([NAK, ACK])


def test_a_received_frame_is_acknowledged_with_06(pty_pair):
    link, other = pty_pair
    os.write(other, encode_frame(bytes.fromhex("06 01 0a 04 000000001000 49 0978")))
    assert link.receive(2.0) == messages.authorisation(1000)
    assert read_available(other) == bytes([ACK])


def test_silence_is_a_timeout(pty_pair):
    link, _ = pty_pair
    with pytest.raises(LinkTimeout, match="no message within 0.2 s"):
        link.receive(0.2)


def test_tcp_link_sends_bare_apdus_and_reads_extended_lengths():
    ours, theirs = socket.socketpair()
    link = TcpLink(TcpTransport("peer", sock=ours))
    link.send(messages.authorisation(1234))
    assert theirs.recv(100) == bytes.fromhex("06 01 0a 04 000000001234 49 0978")
    big = Apdu(0x06, 0xD3, bytes(range(256)) * 2)
    theirs.sendall(big.encode()[:100])
    theirs.sendall(big.encode()[100:])
    assert link.receive(1.0) == big
    theirs.close()
    with pytest.raises(LinkError, match="closed the connection"):
        link.receive(1.0)
    link.close()
