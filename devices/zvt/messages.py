"""The ZVT commands a cash register sends, and the messages a terminal answers with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from devices.zvt import bmp
from devices.zvt.apdu import Apdu
from devices.zvt.bcd import to_bcd, var_length
from devices.zvt.tlv import Tlv, encode_length, encode_tlv

DEFAULT_PASSWORD = "000000"  # the 3-byte BCD password; terminals ship with 000000

# Config byte of the registration (06 00)
CONFIG_ECR_PRINTS_PAYMENT_RECEIPT = 0x02  # the terminal sends payment receipts to the ECR
CONFIG_ECR_PRINTS_ADMIN_RECEIPT = 0x04  # ... and administration receipts (end-of-day)
CONFIG_INTERMEDIATE_STATUS = 0x08  # the terminal sends intermediate status (04 FF) to the ECR
CONFIG_ECR_CONTROLS_PAYMENT = 0x10  # amount input on the terminal is locked
CONFIG_ECR_CONTROLS_ADMIN = 0x20  # administration on the terminal is locked
CONFIG_ECR_PRINT_LINES = 0x80  # the receipts the ECR prints come as print lines (06 D1, 06 D3); without it the
# ECR builds them itself from the status information and the terminal sends no text
DEFAULT_CONFIG = (CONFIG_ECR_PRINTS_PAYMENT_RECEIPT | CONFIG_ECR_PRINTS_ADMIN_RECEIPT | CONFIG_INTERMEDIATE_STATUS
                  | CONFIG_ECR_CONTROLS_PAYMENT | CONFIG_ECR_CONTROLS_ADMIN | CONFIG_ECR_PRINT_LINES)

# ISO 4217 numeric codes, sent as 2 BCD bytes (EUR = 09 78)
CURRENCY_CODES = {"EUR": "0978", "CHF": "0756", "GBP": "0826", "USD": "0840", "DKK": "0208", "SEK": "0752", "PLN": "0985", "CZK": "0203"}
CURRENCY_NAMES = {code: name for name, code in CURRENCY_CODES.items()}

# Card types of BMP 8A (ZVT card type ids)
CARD_BRANDS = {2: "ec-card", 5: "girocard", 6: "Mastercard", 10: "Visa", 11: "American Express", 12: "Diners", 13: "JCB", 46: "Maestro", 208: "V PAY"}

# Result codes (BMP 27, abort 06 1E)
RESULT_SUCCESS = 0x00
RESULT_DECLINED = 0x05  # the issuer said no (one of the host codes 01-63)
RESULT_CARD_NOT_READABLE = 0x64
RESULT_ABORTED = 0x6C  # abort via timeout or the abort key: the customer cancelled
RESULT_CARD_EXPIRED = 0x78
RESULT_FUNCTION_NOT_POSSIBLE = 0x83
RESULT_RECEIVER_NOT_READY = 0xA0
RESULT_SYSTEM_ERROR = 0xFF
RESULT_TEXTS = {
    RESULT_SUCCESS: "approved",
    RESULT_DECLINED: "the card was declined",
    RESULT_CARD_NOT_READABLE: "the card could not be read",
    0x6E: "the card is blocked",
    0x6F: "wrong currency",
    0x71: "not enough credit on the card",
    0x72: "chip error",
    RESULT_ABORTED: "the payment was cancelled at the terminal",
    RESULT_CARD_EXPIRED: "the card has expired",
    0x7A: "the card is not known to the terminal",
    RESULT_FUNCTION_NOT_POSSIBLE: "the terminal cannot do this now",
    0x9C: "the terminal asks to try again",
    RESULT_RECEIVER_NOT_READY: "the terminal is not ready",
    RESULT_SYSTEM_ERROR: "the terminal had a system error",
}

# Intermediate status codes (04 FF)
STATUS_INSERT_CARD = 0x0A
STATUS_PLEASE_WAIT = 0x0E
STATUS_REMOVE_CARD = 0x0C
STATUS_TEXTS = {STATUS_INSERT_CARD: "insert card", STATUS_PLEASE_WAIT: "please wait",
                STATUS_REMOVE_CARD: "remove card"}

# Terminal status byte in the completion of a status enquiry
TERMINAL_READY = 0x00

PRINT_TEXT_LINES = 0x25  # TLV: print texts
TEXT_LINE = 0x07  # TLV: one text line
RECEIPT_TYPE = 0x1F07  # TLV: 1 merchant, 2 customer, 3 administration


def _password(password: str) -> bytes:
    return to_bcd(password, 3)


def currency_code(currency: str) -> str:
    """Return the ISO 4217 numeric code of a currency for BMP 49."""
    try:
        return CURRENCY_CODES[currency.upper()]
    except KeyError:
        raise ValueError(f"currency {currency!r} is not supported by the terminal link (known: {', '.join(CURRENCY_CODES)})") from None


# ECR -> terminal

def registration(password: str = DEFAULT_PASSWORD, config: int = DEFAULT_CONFIG, currency: str = "EUR") -> Apdu:
    """Return Registration (06 00): password, config byte, currency code (no BMP tag)."""
    return Apdu(0x06, 0x00, _password(password) + bytes([config]) + to_bcd(currency_code(currency), 2))


def authorisation(amount: int, currency: str = "EUR") -> Apdu:
    """Return Authorisation (06 01) for an amount in minor units."""
    return Apdu(0x06, 0x01, bmp.encode_bmps([(bmp.AMOUNT, amount), (bmp.CURRENCY, currency_code(currency))]))


def reversal(receipt_no: str, password: str = DEFAULT_PASSWORD) -> Apdu:
    """Return Reversal (06 30) of the payment with a receipt number."""
    return Apdu(0x06, 0x30, _password(password) + bmp.encode_bmps([(bmp.RECEIPT_NUMBER, receipt_no)]))


def refund(amount: int, currency: str = "EUR", password: str = DEFAULT_PASSWORD) -> Apdu:
    """Return Refund (06 31) of an amount in minor units."""
    return Apdu(0x06, 0x31, _password(password) + bmp.encode_bmps([(bmp.AMOUNT, amount), (bmp.CURRENCY, currency_code(currency))]))


def end_of_day(password: str = DEFAULT_PASSWORD) -> Apdu:
    """Return End-of-Day (06 50)."""
    return Apdu(0x06, 0x50, _password(password))


def abort() -> Apdu:
    """Return Abort (06 B0): stop the running transaction."""
    return Apdu(0x06, 0xB0)


def status_enquiry(password: str = DEFAULT_PASSWORD) -> Apdu:
    """Return Status Enquiry (05 01)."""
    return Apdu(0x05, 0x01, _password(password))


# terminal -> ECR

def intermediate_status(code: int, timeout_s: int | None = None) -> Apdu:
    """Return Intermediate Status Information (04 FF): what the customer is asked to do."""
    return Apdu(0x04, 0xFF, bytes([code]) + (bytes([timeout_s]) if timeout_s is not None else b""))


def status_information(fields: Iterable[tuple[int, Any]]) -> Apdu:
    """Return Status Information (04 0F) with the transaction's BMPs."""
    return Apdu(0x04, 0x0F, bmp.encode_bmps(fields))


def completion(data: bytes = b"") -> Apdu:
    """Return Completion (06 0F)."""
    return Apdu(0x06, 0x0F, data)


def status_completion(software_version: str, terminal_status: int = TERMINAL_READY) -> Apdu:
    """Return the Completion of a status enquiry: software version (LLLVAR) and terminal status byte."""
    version = bmp.encode_text(software_version)
    return completion(var_length(len(version), 3) + version + bytes([terminal_status]))


def abort_from_terminal(result_code: int) -> Apdu:
    """Return Abort (06 1E) with the result code saying why."""
    return Apdu(0x06, 0x1E, bytes([result_code]))


def print_line(text: str, attribute: int = 0x00) -> Apdu:
    """Return Print Line (06 D1): an attribute byte and the text."""
    return Apdu(0x06, 0xD1, bytes([attribute]) + bmp.encode_text(text))


def text_block(lines: list[str], receipt_type: int = 2) -> Apdu:
    """Return Print Text Block (06 D3): lines in TLV, marked with the receipt type."""
    container = Tlv(PRINT_TEXT_LINES, children=tuple(Tlv(TEXT_LINE, bmp.encode_text(line)) for line in lines)
                    + (Tlv(RECEIPT_TYPE, bytes([receipt_type])),))
    body = encode_tlv([container])
    return Apdu(0x06, 0xD3, bytes([bmp.TLV_CONTAINER]) + encode_length(len(body)) + body)


def describe_result(code: int) -> str:
    """Return a result code in words."""
    return RESULT_TEXTS.get(code, "the card was declined" if 0x01 <= code <= 0x63 else f"terminal error {code:02X}")

