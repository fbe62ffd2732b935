#!/usr/bin/env python3
"""Writes the seed corpus of the ib decoder fuzz target (tests/fixtures/ib/fuzz-corpus/).

Each seed is a byte stream as a gateway sends it: the framed 2-field server hello, then framed
messages of every kind the decoder knows, plus broken ones (truncated, oversize, non-numeric,
unknown id). Re-run after changing the message set; the output is deterministic.
"""
import os
import struct
import sys

MAX = "1.7976931348623157E308"


def payload(*fields):
    return b"".join(str(f).encode() + b"\0" for f in fields)


def frame(p):
    return struct.pack(">I", len(p)) + p


HELLO = frame(payload(176, "20260106 09:30:00 EST"))

CONTRACT11 = [637533641, "NQ", "FUT", "20260320", 0, "", 20, "CME", "USD", "NQH6", "NQ"]

open_order = ["5", 1002] + CONTRACT11 + ["SELL", 1, "LMT", 21100.5, MAX, "GTC", "slob:s1", "DU1", "", 0,
                                         "slob:s1:tp", 7, 55501] + [""] * 32 + [1001] + [""] * 12 + \
    [0, 0, 0] + [""] * 8 + [0, ""] + ["", ""] + ["PreSubmitted"] + [""] * 16 + [0] + [""] * 24
open_order = open_order[:128] + [""] * (128 - len(open_order))

completed = ["101"] + CONTRACT11 + ["BUY", 1, "LMT", 21000, MAX, "GTC", "", "DU1", "", 0, "slob:s1:entry",
                                    900000001] + [""] * 4 + [""] * 4 + [""] * 5 + [0, "", -1] + [MAX] * 5 + \
    [0, 0, 0, 2147483647, 0, 0] + [MAX, 0, "", MAX, 0, 0, MAX, MAX, "", 0, 0, 0, 2147483647, 2147483647,
                                   MAX, "", "", "", 0, 0, "", 0, "Filled", 0, 0, 0, MAX, MAX, MAX, 0, 0, "",
                                   1, 0, 0, "", 0, 0, 2147483647, "20260106 10:00:00 UTC", "Filled"]

contract_details = ["10", 3, "NQ", "CONTFUT", "20260320 08:30 US/Central", 0, "", "CME", "USD", "NQH6", "NQ",
                    "NQ", 637533641, 0.25, 20, "LMT,MKT", "CME", 1, 0, "E-mini Nasdaq-100", "", "202603", "",
                    "", "", "US/Central", "20260105:1700-20260106:1600;20260107:CLOSED",
                    "20260105:0830-20260105:1500", "", "", 1, "ISIN", "X", 1, "NQ", "IND", "67", "20260320", "",
                    1, 1, 1]

exec_details = ["11", -1, 1001] + [637533641, "NQ", "FUT", "20260320", 0, "", 20, "CME", "USD", "NQH6", "NQ"] + \
    ["0000e1a7.6789.01.01", "20260106 15:25:03 UTC", "DU1", "CME", "BOT", 1, 21000.25, 55500, 7, 0, 1,
     21000.25, "slob:s1:entry", "", MAX, "", 1]

MESSAGES = {
    "error": payload(4, 2, -1, 2104, "Market data farm connection is OK:usfarm", ""),
    "error_order": payload(4, 2, 1001, 201, "Order rejected - reason:\\u00e9", ""),
    "next_valid_id": payload(9, 1, 1001),
    "managed_accounts": payload(15, 1, "DU123,DU456,"),
    "current_time": payload(49, 1, 1767711900),
    "contract_details": payload(*contract_details),
    "contract_details_end": payload(52, 1, 3),
    "realtime_bar": payload(50, 3, 6, 1767711900, 21000, 21001.5, 20999.25, 21001, 12, 21000.6, 9),
    "historical": payload(17, 5, "20260106 09:00:00", "20260106 10:00:00", 2,
                          1767690000, 1, 2, 0.5, 1.5, 100, 1.2, 10,
                          "20260106  09:01:00", 1.5, 2.5, 1.25, 2, 50, -1, 5),
    "historical_update": payload(90, 5, 3, "20260106 09:02:00 Europe/Amsterdam", 10, 11, 12, 9, 10.5, 7),
    "order_status": payload(3, 1001, "Filled", 1, 0, 21000.25, 55500, 0, 21000.25, 7, "", 0),
    "open_order": payload(*open_order),
    "open_order_end": payload(53, 1),
    "completed_order": payload(*completed),
    "completed_end": payload(102),
    "exec_details": payload(*exec_details),
    "exec_end": payload(55, 1, 8),
    "commission": payload(59, 1, "0000e1a7.6789.01.01", 2.25, "USD", MAX, MAX, ""),
    "position": payload(61, 3, "DU1", 637533641, "NQ", "FUT", "20260320", 0, "", 20, "CME", "USD", "NQH6", "NQ",
                        -2, 420005),
    "position_end": payload(62, 1),
    "account_summary": payload(63, 1, 9, "DU1", "NetLiquidation", "100000.5", "USD"),
    "account_summary_end": payload(64, 1, 9),
    "market_data_type": payload(58, 1, 6, 3),
    "tick_req_params": payload(81, 6, 0.25, "9c0001", 3),
    "tick_price": payload(1, 6, 6, 4, 21000.25, 1, 0),
}

BROKEN = {
    "truncated_field": frame(b"9\x001\x00100"),
    "truncated_frame": struct.pack(">I", 50) + payload(9, 1, 5),
    "oversize": struct.pack(">I", 0x1000000) + b"x" * 16,
    "non_numeric": frame(payload(3, "x1001", "Filled")),
    "unknown_id": frame(payload(999, 1, 2)),
    "empty_id": frame(payload("")),
    "huge_count": frame(payload(17, 5, "a", "b", 2000000000)),
    "negative_count": frame(payload(10, 3, *contract_details[2:30], -5)),
    "bad_hello": frame(payload("v176")),
    "hello_only": b"",
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "ib",
                                                               "fuzz-corpus")
    os.makedirs(out, exist_ok=True)
    for name, p in MESSAGES.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(HELLO + frame(p))
    with open(os.path.join(out, "session"), "wb") as f:
        f.write(HELLO + b"".join(frame(p) for p in MESSAGES.values()))
    for name, data in BROKEN.items():
        with open(os.path.join(out, "broken_" + name), "wb") as f:
            f.write((HELLO if name not in ("bad_hello",) else b"") + data)


if __name__ == "__main__":
    main()
