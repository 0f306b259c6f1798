"""ZVT APDUs, BMP fields and serial frames, byte for byte as the specification lays them out."""

from __future__ import annotations

import pytest

from devices.zvt import bmp, messages
from devices.zvt.apdu import Apdu, ack, decode_apdu, nak
from devices.zvt.bcd import var_length
from devices.zvt.ecr import _text_block_lines
from devices.zvt.errors import MalformedApdu
from devices.zvt.framing import crc16, encode_frame, frame_crc
from devices.zvt.tlv import Tlv, decode_tlv, encode_tlv

H = bytes.fromhex


def test_crc_is_ccitt_reversed_with_the_standard_check_value():
    assert crc16(b"123456789") == 0x2189


def test_authorisation_of_12_34_eur():
    assert messages.authorisation(1234, "EUR").encode() == H("06 01 0a 04 000000001234 49 0978")


def test_registration_carries_password_config_byte_and_currency_without_a_tag():
    assert messages.registration("000000").encode() == H("06 00 06 000000 be 0978")
    assert messages.registration("123456", config=0x08, currency="CHF").encode() == H("06 00 06 123456 08 0756")


def test_reversal_refund_end_of_day_abort_and_status_enquiry():
    assert messages.reversal("12").encode() == H("06 30 06 000000 87 0012")
    assert messages.refund(500).encode() == H("06 31 0d 000000 04 000000000500 49 0978")
    assert messages.end_of_day().encode() == H("06 50 03 000000")
    assert messages.abort().encode() == H("06 b0 00")
    assert messages.status_enquiry().encode() == H("05 01 03 000000")


def test_acknowledgements():
    assert ack().encode() == H("80 00 00")
    assert nak(0x83).encode() == H("84 83 00")
    assert decode_apdu(H("80 00 00")).is_ack
    assert decode_apdu(H("84 9c 00")).is_nak


def test_terminal_messages():
    assert messages.intermediate_status(0x0A, 60).encode() == H("04 ff 02 0a 3c")
    assert messages.abort_from_terminal(0x6C).encode() == H("06 1e 01 6c")
    assert messages.print_line("Hallo").encode() == H("06 d1 06 00") + b"Hallo"
    assert messages.print_line("äöüß").encode() == H("06 d1 05 00 84 94 81 e1")  # CP437, as terminals send text
    assert messages.print_line("Zahlung 5 €").encode() == H("06 d1 0c 00") + b"Zahlung 5 ?"  # CP437 has no euro sign
    assert messages.completion().encode() == H("06 0f 00")


def test_text_block_is_tlv_in_bmp_06():
    block = messages.text_block(["Hallo"], receipt_type=2).encode()
    assert block == H("06 d3 0f 06 0d 25 0b 07 05") + b"Hallo" + H("1f 07 01 02")
    assert _text_block_lines(decode_apdu(block).data) == ["Hallo"]


def test_extended_length_for_data_over_254_bytes():
    apdu = Apdu(0x06, 0xD3, bytes(300))
    raw = apdu.encode()
    assert raw[:5] == H("06 d3 ff 2c 01")
    assert decode_apdu(raw) == apdu
    assert Apdu(0x06, 0xD3, bytes(254)).encode()[:3] == H("06 d3 fe")


def test_a_length_that_does_not_match_is_refused():
    with pytest.raises(MalformedApdu, match="announces 4 data bytes but has 3"):
        decode_apdu(H("06 01 04 01 02 03"))


def test_frame_doubles_dle_and_ends_with_crc_low_byte_first():
    apdu = messages.authorisation(1000).encode()  # amount 00 00 00 00 10 00 holds a DLE
    frame = encode_frame(apdu)
    assert frame[:2] == H("10 02")
    assert frame[2:-4] == H("06 01 0a 04 00000000 1010 00 49 0978")
    assert frame[-4:-2] == H("10 03")
    crc = crc16(apdu + b"\x03")
    assert frame[-2:] == bytes([crc & 0xFF, crc >> 8]) == frame_crc(apdu)


def test_status_information_decodes_to_named_fields_with_a_masked_card_number():
    data = H("27 00 04 000000001234 0b 000042 87 0007 29 52500001 8a 0a 49 0978 22 f0f8 491761eeeeee0119") + b"\x3b123456\x00\x00"
    fields = bmp.as_dict(bmp.decode_bmps(data))
    assert fields == {
        "result_code": 0, "amount": 1234, "trace_no": "000042", "receipt_no": "0007", "terminal_id": "52500001",
        "card_type": 10, "currency_code": "0978", "masked_pan": "************0119", "auth_code": "123456",
    }


def test_an_unmasked_card_number_from_a_terminal_is_masked_at_once():
    raw = bmp.encode_bmps([(bmp.CARD_NUMBER, "4111111111111111")])
    assert raw == H("22 f0 f8 4111111111111111")
    assert bmp.decode_bmps(raw) == [(bmp.CARD_NUMBER, "************1111")]


def test_odd_card_number_is_padded_with_f():
    assert bmp.encode_bmps([(bmp.CARD_NUMBER, "*****12345")]) == H("22 f0 f5 eeeee12345")
    assert bmp.encode_bmps([(bmp.CARD_NUMBER, "****1234567")]) == H("22 f0 f6 eeee1234567f")
    assert bmp.decode_bmps(H("22 f0 f6 eeee1234567f")) == [(bmp.CARD_NUMBER, "*******4567")]


def test_track_data_and_expiry_are_never_kept():
    data = H("23 f0 f4 41111111 0e 2712 04 000000000100")
    assert bmp.decode_bmps(data) == [(bmp.TRACK_2, None), (bmp.EXPIRY_DATE, None), (bmp.AMOUNT, 100)]
    assert bmp.as_dict(bmp.decode_bmps(data)) == {"amount": 100}


def test_llvar_and_lllvar_lengths():
    assert var_length(8, 2) == H("f0 f8")
    assert var_length(123, 3) == H("f1 f2 f3")


def test_unknown_bmp_is_named_in_the_error():
    with pytest.raises(MalformedApdu, match="unknown BMP F9 at byte 0"):
        bmp.decode_bmps(H("f9 00"))


def test_tlv_with_two_byte_tags_and_long_lengths():
    items = (Tlv(0x1F07, b"\x02"), Tlv(0x07, bytes(200)))
    raw = encode_tlv(items)
    assert raw[:4] == H("1f 07 01 02")
    assert raw[4:7] == H("07 81 c8")
    assert decode_tlv(raw) == items
