# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RouterOS API wire format: length-prefixed words, sentences ended by an empty word."""

from __future__ import annotations

# A real router refuses absurd words; this bound keeps a hostile length prefix from
# making the emulator allocate gigabytes. 1 MiB is far above any certificate or file we upload.
MAX_WORD_LENGTH = 1 << 20
MAX_WORDS_PER_SENTENCE = 4096


class ProtocolViolation(Exception):
    """The peer sent bytes that are not a valid API word stream."""


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    if length < 0x4000:
        return (length | 0x8000).to_bytes(2, "big")
    if length < 0x200000:
        return (length | 0xC00000).to_bytes(3, "big")
    if length < 0x10000000:
        return (length | 0xE0000000).to_bytes(4, "big")
    return b"\xf0" + length.to_bytes(4, "big")


def encode_word(word: str) -> bytes:
    data = word.encode("utf-8", "replace")
    return encode_length(len(data)) + data


def encode_sentence(words) -> bytes:
    return b"".join(encode_word(w) for w in words) + b"\x00"


class SentenceReader:
    """Reads whole sentences from a blocking socket-like object with ``recv``."""

    def __init__(self, sock, max_word=MAX_WORD_LENGTH):
        self._sock = sock
        self._buf = bytearray()
        self._max_word = max_word

    def _need(self, count: int) -> bytes:
        while len(self._buf) < count:
            chunk = self._sock.recv(max(65536, count - len(self._buf)))
            if not chunk:
                raise EOFError("peer closed the connection")
            self._buf.extend(chunk)
        data = bytes(self._buf[:count])
        del self._buf[:count]
        return data

    def _read_length(self) -> int:
        first = self._need(1)[0]
        if first < 0x80:
            return first
        if first < 0xC0:
            extra = 1
            value = first & 0x3F
        elif first < 0xE0:
            extra = 2
            value = first & 0x1F
        elif first < 0xF0:
            extra = 3
            value = first & 0x0F
        elif first == 0xF0:
            extra = 4
            value = 0
        else:
            # 0xF8..0xFF are reserved control bytes that no client may send.
            raise ProtocolViolation("control byte 0x%02x where a word length was expected" % first)
        for byte in self._need(extra):
            value = (value << 8) | byte
        return value

    def read_word(self) -> str:
        length = self._read_length()
        if length > self._max_word:
            raise ProtocolViolation("word of %d bytes exceeds the limit of %d" % (length, self._max_word))
        return self._need(length).decode("utf-8", "replace") if length else ""

    def read_sentence(self):
        words = []
        while True:
            word = self.read_word()
            if word == "":
                return words
            words.append(word)
            if len(words) > MAX_WORDS_PER_SENTENCE:
                raise ProtocolViolation("sentence has more than %d words" % MAX_WORDS_PER_SENTENCE)
