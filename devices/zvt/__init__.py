"""ZVT, the German ECR <-> payment terminal protocol: the cash register's side, written from the public spec.

    apdu.py       APDU (CLASS, INSTR, length incl. the 0xFF extended length, data)
    bmp.py        BMP fields (amount BCD, currency, trace, receipt, masked PAN, TLV ...)
    framing.py    the serial frame: DLE STX ... DLE ETX + CRC, DLE doubling
    transport.py  byte transports: TCP, pyserial (device path, pty, URL), a raw descriptor
    link.py       APDUs over a transport: bare over TCP, framed with ACK/NAK over serial
    messages.py   the commands the ECR sends and the messages the terminal answers with
    ecr.py        a client that runs one command to its completion and reads the result
"""
