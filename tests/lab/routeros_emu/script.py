# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RouterOS script syntax: a parser, and an interpreter that runs a script on an emulated router.

Sources for the syntax (SOURCES keys are cited beside each rule below):

- "manual-scripting": MikroTik, Scripting language manual (help.mikrotik.com/docs/display/ROS/Scripting,
  and its older wiki text, wiki.mikrotik.com Manual:Scripting): command line
  ``[prefix] [path] command [uparam] [param=[value]] ...``; a line ends at ``;`` or a new line; physical
  lines end in LF, CR LF or CR; ``#`` starts a comment; a backslash at the end of a line joins it to the
  next; a backslash elsewhere outside a string is illegal; escapes in strings ``\\" \\\\ \\n \\r \\t \\$ \\?
  \\_ \\a \\b \\f \\v`` and ``\\XX`` (two hex digits); ``$name`` reads a variable; ``:local``/``:global``
  declare one; ``{ }`` is a scope; ``[ ]`` runs a command and gives its result.
- "exports": the public exports in tests/unit/lab/routeros_script_corpus (their SOURCES file): a value that
  does not fit a line continues after ``\\`` on the next line indented by four spaces, also inside a quoted
  string (``network=\\`` then ``    192.168.70.0``), so the indentation after a joined line is not part of
  the value; ``set [ find default-name=ether1 ] ...``; ``set 0 name=serial0``; a menu line alone
  (``/ip address``) selects the menu for the lines after it; 7.x exports also write ``/caps-man channel add
  ...`` with the menu on every line.
- "issue-blacklist-5": alsyundawy/mikrotik-blacklist issue 5: RouterOS 7.19.6 ``/import`` of
  ``add list='x'`` answers ``Script Error: syntax error (line 4 column 10)`` (a single quote is no quote).
- "issue-cr-61": ansible-collections/community.routeros issue 61: ``expected end of command (line 1 column
  186)``.
- "issue-backup-65": beeyev/Mikrotik-RouterOS-automatic-backup-and-update issue 65 (7.18.2):
  ``expected closing brace (line 660 column 82)``.
- "issue-librouteros-228": luqasz/librouteros issue 228: over the API, ``/import`` with ``=file-name=``
  runs a script file stored on the router; the console says ``Script file loaded and executed
  successfully``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

SOURCES = {
    "manual-scripting": "https://help.mikrotik.com/docs/display/ROS/Scripting",
    "exports": "tests/unit/lab/routeros_script_corpus/SOURCES",
    "issue-blacklist-5": "https://github.com/alsyundawy/mikrotik-blacklist/issues/5",
    "issue-cr-61": "https://github.com/ansible-collections/community.routeros/issues/61",
    "issue-backup-65": "https://github.com/beeyev/Mikrotik-RouterOS-automatic-backup-and-update/issues/65",
    "issue-librouteros-228": "https://github.com/luqasz/librouteros/issues/228",
}

# Escapes in strings (manual-scripting, "Constant Escape Sequences").
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "$": "$", "?": "?", "_": " ",
            "a": "\x07", "b": "\x08", "f": "\x0c", "v": "\x0b"}
_HEX = "0123456789ABCDEF"
# Characters that end a bare word (manual-scripting, "Delimiters": () [] {} : ; $ / and whitespace;
# ':' '$' and '/' are allowed inside a word here because values such as addresses, times and paths
# carry them, and ';' '[' ']' '{' '}' '"' '=' are tokens of their own).
_WORD_END = set(" \t\r\n;[]{}()\"=")
# Commands a menu takes (manual-scripting, "General commands"; the dumps' menus list the rest).
# Used only to tell the menu words of a line from its command word when the menu is not modelled.
GENERAL_COMMANDS = {
    "add", "set", "remove", "print", "export", "find", "get", "edit", "enable", "disable", "comment",
    "move", "unset", "reset", "import", "monitor", "reset-counters", "reset-counters-all", "run",
    "reboot", "shutdown", "upgrade", "check-for-updates", "install", "downgrade", "sign", "sign-via-scep",
    "create-certificate-request", "card-reinstall", "scan", "ping", "traceroute", "fetch", "save", "load",
    "reset-configuration", "clear", "flush", "release", "renew", "make-static", "expire-password",
    "uninstall", "apply-changes", "cancel", "blink", "cable-test", "send", "force-update", "report",
}


class ScriptError(Exception):
    """A script the router refuses, in the router's words with line and column (1-based)."""

    def __init__(self, message, line=None, column=None):
        self.message = message
        self.line = line
        self.column = column
        where = " (line %d column %d)" % (line, column) if line is not None else ""
        super().__init__(message + where)


# ------------------------------------------------------------------------------------------- lexer
@dataclass
class Token:
    kind: str  # word | string | eq | lbrack | rbrack | lbrace | rbrace | lparen | rparen | semi | nl
    text: str
    line: int
    column: int
    space_before: bool  # whitespace (or a joined line) between this token and the previous one
    raw: str = ""  # strings: the source text between the quotes, for variable expansion


class _Lexer:
    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.line = 1
        self.col = 1
        self.tokens: List[Token] = []

    def _peek(self, offset=0):
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def _advance(self, count=1):
        for _step in range(count):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\n" or (char == "\r" and self._peek() != "\n"):
                self.line += 1
                self.col = 1
            else:
                self.col += 1

    def _at_eol(self, offset=0):
        return self._peek(offset) in ("\n", "\r") or self._peek(offset) == ""

    def _join_line(self):
        """At a backslash that ends a physical line: skip it, the line end and the next line's indentation
        (manual-scripting "Line joining"; exports: continued values are indented by four spaces)."""
        self._advance()  # the backslash
        if self._peek() == "\r" and self._peek(1) == "\n":
            self._advance(2)
        elif self._peek() in ("\r", "\n"):
            self._advance()
        while self._peek() in (" ", "\t"):
            self._advance()

    def _is_join(self):
        return self._peek() == "\\" and self._peek(1) in ("\n", "\r", "")

    def tokens_of(self):
        space = True
        at_statement_start = True
        depth_brackets = 0
        while self.pos < len(self.text):
            char = self._peek()
            line, col = self.line, self.col
            if char in (" ", "\t"):
                self._advance()
                space = True
                continue
            if self._is_join():
                # Joined lines carry no whitespace of their own: exports break values there
                # (``network=\`` + ``    192.168.70.0``) and keep a space before the backslash
                # where two arguments meet.
                self._join_line()
                continue
            if char in ("\n", "\r"):
                self._advance(2 if char == "\r" and self._peek(1) == "\n" else 1)
                if depth_brackets == 0:
                    self.tokens.append(Token("nl", "\n", line, col, space))
                    at_statement_start = True
                space = True
                continue
            if char == "#" and at_statement_start:
                # A comment runs to the end of the physical line (manual-scripting "Comments").
                while not self._at_eol():
                    self._advance()
                continue
            at_statement_start = False
            if char == '"':
                self._string(line, col, space)
            elif char == "\\":
                raise ScriptError("syntax error", line, col)  # manual-scripting: illegal outside a string
            elif char == "'":
                raise ScriptError("syntax error", line, col)  # issue-blacklist-5
            elif char in "[]{}();=":
                kind = {"[": "lbrack", "]": "rbrack", "{": "lbrace", "}": "rbrace", "(": "lparen", ")": "rparen",
                        ";": "semi", "=": "eq"}[char]
                if char in "[(":
                    depth_brackets += 1
                elif char in "])":
                    depth_brackets = max(0, depth_brackets - 1)
                self._advance()
                self.tokens.append(Token(kind, char, line, col, space))
                if kind in ("semi", "lbrace"):
                    at_statement_start = True
            else:
                start = self.pos
                while self.pos < len(self.text) and self._peek() not in _WORD_END and self._peek() != "\\" \
                        and self._peek() != "'":
                    self._advance()
                self.tokens.append(Token("word", self.text[start:self.pos], line, col, space))
            space = False
        self.tokens.append(Token("nl", "\n", self.line, self.col, True))
        return self.tokens

    def _string(self, line, col, space):
        self._advance()  # opening quote
        value = []
        raw = []
        while True:
            char = self._peek()
            if char == "":
                raise ScriptError("unterminated string", line, col)
            if char == '"':
                self._advance()
                break
            if char == "\\":
                if self._is_join():
                    self._join_line()
                    continue
                escape = self._peek(1)
                if escape in _ESCAPES:
                    value.append(_ESCAPES[escape])
                    raw.append("\\" + escape)
                    self._advance(2)
                    continue
                pair = self.text[self.pos + 1:self.pos + 3]
                if len(pair) == 2 and all(c in _HEX for c in pair):
                    value.append(chr(int(pair, 16)))
                    raw.append("\\" + pair)
                    self._advance(3)
                    continue
                raise ScriptError("syntax error", self.line, self.col)
            value.append(char)
            raw.append(char)
            self._advance()
        self.tokens.append(Token("string", "".join(value), line, col, space, raw="".join(raw)))


def tokenize(text):
    return _Lexer(text).tokens_of()


# ------------------------------------------------------------------------------------------ parser
@dataclass
class Piece:
    """One part of a value: literal text, a quoted string, a variable, a [command] or a {block}."""
    kind: str  # text | string | var | command | block | expr
    text: str = ""
    command: Optional["Command"] = None
    block: Optional[List["Command"]] = None
    expr: Optional[tuple] = None


@dataclass
class Value:
    pieces: List[Piece]
    line: int
    column: int


@dataclass
class Command:
    line: int
    column: int
    absolute: bool = False  # the line starts with '/'
    path: List[str] = field(default_factory=list)  # menu words as written
    name: Optional[str] = None  # the command; None: the line only selects a menu
    ice: bool = False  # ':delay', ':local', ...
    args: List[Tuple[str, Optional[Value]]] = field(default_factory=list)  # name=value, in order
    unnamed: List[Value] = field(default_factory=list)
    block: Optional[List["Command"]] = None  # a '{ ... }' scope
    where: Optional[tuple] = None  # find where <expression>


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.index = 0

    def _peek(self):
        return self.tokens[self.index]

    def _next(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse_block(self, closer=None):
        """Statements until ``closer`` (a token kind) or the end."""
        statements = []
        while True:
            token = self._peek()
            if token.kind in ("nl", "semi"):
                if token.kind == "nl" and self.index == len(self.tokens) - 1:
                    if closer is not None:
                        raise ScriptError("expected closing brace" if closer == "rbrace" else
                                          "expected closing bracket", token.line, token.column)
                    return statements
                self._next()
                continue
            if closer is not None and token.kind == closer:
                self._next()
                return statements
            if token.kind in ("rbrace", "rbrack"):
                raise ScriptError("syntax error", token.line, token.column)
            statements.append(self.parse_command(closer))

    def parse_command(self, closer=None):
        first = self._peek()
        command = Command(first.line, first.column)
        if first.kind == "lbrace":
            self._next()
            command.block = self.parse_block("rbrace")
            self._end(command, closer)
            return command
        words = []
        # Leading bare words: the menu path and the command (and, for ICE, the command's name).
        while True:
            token = self._peek()
            if token.kind != "word" or self._value_follows(self.index):
                break
            if words and not token.space_before and not token.text.startswith("/") and \
                    not words[-1][1].text.endswith("/"):
                break
            words.append((token.text, token))
            self._next()
            if token.text.startswith(":") or token.text.rsplit("/", 1)[-1] in GENERAL_COMMANDS:
                break  # the command word: what follows are its values (``find where ...``, ``:local a b``)
            if self._peek().kind == "eq" and not self._peek().space_before:
                # this word was a parameter name: give it back
                self.index -= 1
                words.pop()
                break
        self._split_path(command, words)
        if command.name == "find" and self._peek().kind == "word" and self._peek().text == "where":
            self._next()
            command.where = self.parse_expression(closer)
        # Arguments.
        while True:
            token = self._peek()
            if token.kind in ("nl", "semi") or (closer is not None and token.kind == closer):
                break
            if token.kind in ("rbrace", "rbrack"):
                raise ScriptError("syntax error", token.line, token.column)
            if token.kind == "word" and self._peek_at(self.index + 1).kind == "eq" and \
                    not self._peek_at(self.index + 1).space_before:
                self._next()
                self._next()  # '='
                after = self._peek()
                if after.kind in ("nl", "semi") or after.space_before or \
                        (closer is not None and after.kind == closer):
                    command.args.append((token.text, Value([Piece("text", "")], after.line, after.column)))
                else:
                    command.args.append((token.text, self.parse_value()))
                continue
            if token.kind == "eq":
                raise ScriptError("syntax error", token.line, token.column)
            command.unnamed.append(self.parse_value())
        self._end(command, closer)
        return command

    def _end(self, command, closer):
        token = self._peek()
        if token.kind in ("nl", "semi") or (closer is not None and token.kind == closer):
            return
        raise ScriptError("expected end of command", token.line, token.column)  # issue-cr-61

    def _peek_at(self, index):
        return self.tokens[min(index, len(self.tokens) - 1)]

    def _value_follows(self, index):
        token = self.tokens[index]
        following = self._peek_at(index + 1)
        return token.kind == "word" and following.kind == "eq" and not following.space_before

    def _split_path(self, command, words):
        """Menu words, then the command word (manual-scripting "Command-line"): ``/ip address add``,
        ``/ip/address/add``, ``add``, ``:delay``. A line of menu words only selects that menu."""
        parts = []
        for text, token in words:
            if text.startswith(":") and not parts:
                command.ice = True
                parts.append((text[1:], token))
                continue
            if text.startswith("/"):
                if not parts:
                    command.absolute = True
                split = [p for p in text.split("/") if p]
                parts.extend((p, token) for p in split)
            else:
                parts.append((text, token))
        if command.ice:
            command.name = parts[0][0]
            # :local name ... -- the rest are plain values (name, value)
            for text, token in parts[1:]:
                command.unnamed.append(Value(_split_vars(text, quoted=False), token.line, token.column))
            return
        # The command is the first general command word; words after it are unnamed values.
        for position, (text, _token) in enumerate(parts):
            if text in GENERAL_COMMANDS:
                command.path = [p for p, _t in parts[:position]]
                command.name = text
                for extra, token in parts[position + 1:]:
                    command.unnamed.append(Value(_split_vars(extra, quoted=False), token.line, token.column))
                return
        if command.absolute or not parts:
            command.path = [p for p, _t in parts]
            return
        # Not a general command: the last word is the command (for example 'reset-configuration').
        command.path = [p for p, _t in parts[:-1]]
        command.name = parts[-1][0]

    def parse_value(self):
        """Adjacent pieces with no whitespace between them make one value."""
        first = self._peek()
        pieces = []
        while True:
            token = self._peek()
            if pieces and token.space_before:
                break
            if token.kind == "word":
                self._next()
                pieces.extend(_split_vars(token.text, quoted=False))
            elif token.kind == "string":
                self._next()
                pieces.extend(_split_vars(token.raw, quoted=True))
            elif token.kind == "eq" and pieces:
                # '=' inside a value (for example a base64 key ending in '=')
                self._next()
                pieces.append(Piece("text", "="))
            elif token.kind == "lbrack":
                self._next()
                inner = self.parse_block("rbrack")
                if len(inner) != 1:
                    raise ScriptError("syntax error", token.line, token.column)
                pieces.append(Piece("command", command=inner[0]))
            elif token.kind == "lbrace":
                self._next()
                pieces.append(Piece("block", block=self.parse_block("rbrace")))
            elif token.kind == "lparen":
                self._next()
                expression = self.parse_expression("rparen")
                closing = self._next()
                if closing.kind != "rparen":
                    raise ScriptError("expected closing parenthesis", closing.line, closing.column)
                pieces.append(Piece("expr", expr=expression))
            else:
                break
        if not pieces:
            raise ScriptError("syntax error", first.line, first.column)
        return Value(pieces, first.line, first.column)

    # ------------------------------------------------------------------ expressions
    # (manual-scripting "Operators"): || or, && and, ! not, = != < > <= >= ~ (regex), parentheses.

    def parse_expression(self, closer=None):
        return self._or(closer)

    def _stop(self, closer):
        token = self._peek()
        return token.kind in ("nl", "semi", "rbrace", "rbrack", "rparen") or (closer and token.kind == closer)

    def _keyword(self, *words):
        token = self._peek()
        return token.kind == "word" and token.text in words

    def _or(self, closer):
        left = self._and(closer)
        while self._keyword("or", "||"):
            self._next()
            left = ("or", left, self._and(closer))
        return left

    def _and(self, closer):
        left = self._not(closer)
        while not self._stop(closer) and not self._keyword("or", "||"):
            if self._keyword("and", "&&"):
                self._next()
            # find where a=b c=d: conditions side by side are all required
            left = ("and", left, self._not(closer))
        return left

    def _not(self, closer):
        token = self._peek()
        if self._keyword("not", "!"):
            self._next()
            return ("not", self._not(closer))
        if token.kind == "word" and token.text.startswith("!") and len(token.text) > 1:
            # !dynamic, !(...) written as one word before a parenthesis
            self.tokens[self.index] = Token("word", token.text[1:], token.line, token.column + 1, False)
            return ("not", self._not(closer))
        return self._comparison(closer)

    def _comparison(self, closer):
        token = self._peek()
        if self._stop(closer):
            raise ScriptError("syntax error", token.line, token.column)
        left, operator = self._operand(closer)
        if operator is None:
            following = self._peek()
            if following.kind == "eq" and not following.space_before:
                self._next()
                operator = "="
            elif following.kind == "word" and following.text in ("~", "<", ">", "!"):
                self._next()
                operator = following.text
                if self._peek().kind == "eq" and not self._peek().space_before:
                    self._next()
                    operator += "="
            elif following.kind == "eq":
                self._next()
                operator = "="
        if operator is None:
            return ("truth", left)
        right, _ignored = self._operand(closer)
        return ("cmp", operator, left, right)

    def _operand(self, closer):
        """One operand; a word may end in an operator (``comment~``, ``port!``, ``a>``)."""
        token = self._next()
        if token.kind == "lparen":
            inner = self.parse_expression("rparen")
            if self._next().kind != "rparen":
                raise ScriptError("expected closing parenthesis", token.line, token.column)
            return ("expr", inner), None
        if token.kind == "string":
            return ("value", Value(_split_vars(token.raw, quoted=True), token.line, token.column)), None
        if token.kind == "lbrack":
            inner = self.parse_block("rbrack")
            if len(inner) != 1:
                raise ScriptError("syntax error", token.line, token.column)
            return ("value", Value([Piece("command", command=inner[0])], token.line, token.column)), None
        if token.kind != "word":
            raise ScriptError("syntax error", token.line, token.column)
        text, operator = token.text, None
        for suffix in ("~", "!", "<", ">"):
            if len(text) > 1 and text.endswith(suffix):
                text, operator = text[:-1], suffix
                if suffix in ("!", "<", ">") and self._peek().kind == "eq" and not self._peek().space_before:
                    self._next()
                    operator += "="
                elif suffix == "!":
                    raise ScriptError("syntax error", token.line, token.column)
                break
        return ("word", Value(_split_vars(text, quoted=False), token.line, token.column), text), operator


_VAR_RE = re.compile(r"\$([A-Za-z0-9_-]+|\"[^\"]*\")")


def _split_vars(text, quoted):
    """Literal text and ``$name`` references (manual-scripting "Variables"); in strings, escapes were
    kept raw so that ``\\$`` stays a dollar sign."""
    pieces = []
    position = 0
    source = text
    while position < len(source):
        if quoted and source[position] == "\\":
            escape = source[position + 1:position + 2]
            if escape in _ESCAPES:
                pieces.append(Piece("string", _ESCAPES[escape]))
                position += 2
            else:
                pieces.append(Piece("string", chr(int(source[position + 1:position + 3], 16))))
                position += 3
            continue
        match = _VAR_RE.match(source, position) if source[position] == "$" else None
        if match:
            pieces.append(Piece("var", match.group(1).strip('"')))
            position = match.end()
            continue
        end = position + 1
        while end < len(source) and source[end] != "$" and not (quoted and source[end] == "\\"):
            end += 1
        pieces.append(Piece("string" if quoted else "text", source[position:end]))
        position = end
    if not pieces:
        pieces.append(Piece("string" if quoted else "text", ""))
    return pieces


def parse(text):
    """The statements of a script; raises ScriptError with RouterOS's words, line and column."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Parser(tokenize(text)).parse_block()


# ------------------------------------------------------------------------------------- interpreter
_DURATION_RE = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$")


def parse_duration(text):
    """``5s``, ``1m30s``, ``500ms``, ``00:00:05`` or a bare number of seconds (manual-scripting, time)."""
    if re.match(r"^\d+:\d\d:\d\d(\.\d+)?$", text):
        hours, minutes, seconds = text.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if re.match(r"^\d+(\.\d+)?$", text):
        return float(text)
    match = _DURATION_RE.match(text)
    if not match or not text:
        raise ValueError(text)
    weeks, days, hours, minutes, seconds, millis = match.groups()
    return (int(weeks or 0) * 604800 + int(days or 0) * 86400 + int(hours or 0) * 3600 +
            int(minutes or 0) * 60 + float(seconds or 0) + int(millis or 0) / 1000.0)


class Interpreter:
    """Runs parsed statements on a routeros_emu Router through the same commands the API uses.

    A statement the router refuses stops the script there (what ran before stays, as on a router:
    an import is not a transaction). ``sleep`` is called for ``:delay`` (tests may pass their own).
    """

    def __init__(self, router, sleep=time.sleep, max_delay=None):
        self.router = router
        self.sleep = sleep
        self.max_delay = max_delay
        self.globals = {}
        self.output = []
        self.commands_run = 0

    def run(self, statements):
        self._run_block(statements, [], [{}])

    def _run_block(self, statements, cwd, scopes):
        for statement in statements:
            cwd = self._run(statement, cwd, scopes)
        return cwd

    def _lookup(self, name, scopes, line, column):
        for scope in reversed(scopes):
            if name in scope:
                return scope[name]
        if name in self.globals:
            return self.globals[name]
        raise ScriptError("undefined variable %s" % name, line, column)

    def value(self, value, cwd, scopes):
        """A value: text, or what one variable, [command] or (expression) holds (a list stays a list)."""
        parts = []
        for piece in value.pieces:
            if piece.kind in ("text", "string"):
                parts.append(piece.text)
            elif piece.kind == "var":
                parts.append(self._lookup(piece.text, scopes, value.line, value.column))
            elif piece.kind == "command":
                parts.append(self._run_command(piece.command, cwd, scopes, nested=True))
            elif piece.kind == "expr":
                parts.append(self._evaluate(piece.expr, cwd, scopes))
            else:
                raise ScriptError("syntax error", value.line, value.column)
        if len(parts) == 1 and value.pieces[0].kind in ("var", "command", "expr"):
            return parts[0]
        return "".join(_text(part) for part in parts)

    # ------------------------------------------------------------------ expressions
    def _evaluate(self, node, cwd, scopes, row=None):
        kind = node[0]
        if kind == "or":
            return self._truth(node[1], cwd, scopes, row) or self._truth(node[2], cwd, scopes, row)
        if kind == "and":
            return self._truth(node[1], cwd, scopes, row) and self._truth(node[2], cwd, scopes, row)
        if kind == "not":
            return not self._truth(node[1], cwd, scopes, row)
        if kind == "expr":
            return self._evaluate(node[1], cwd, scopes, row)
        if kind == "truth":
            operand = node[1]
            if row is not None and operand[0] == "word":
                return _matches(row, operand[2], None, False)
            return _truthy(self._operand(operand, cwd, scopes, row, field=False))
        if kind == "cmp":
            _kind, operator, left, right = node
            field = row is not None and left[0] == "word"
            actual = row.get(left[2]) if field else self._operand(left, cwd, scopes, row, field=False)
            wanted = self._operand(right, cwd, scopes, row, field=False)
            return _compare(operator, actual, wanted, field)
        return self._operand(node, cwd, scopes, row, field=False)

    def _operand(self, operand, cwd, scopes, row, field):
        if operand[0] == "expr":
            return self._evaluate(operand[1], cwd, scopes, row)
        return self.value(operand[1], cwd, scopes)

    def _truth(self, node, cwd, scopes, row):
        return _truthy(self._evaluate(node, cwd, scopes, row))

    def _menu(self, statement, cwd):
        path = list(statement.path) if statement.absolute else cwd + list(statement.path)
        return path

    def _run(self, statement, cwd, scopes):
        if statement.block is not None:
            self._run_block(statement.block, cwd, scopes + [{}])
            return cwd
        if statement.name is None:
            path = self._menu(statement, cwd)
            self._check_menu(path, statement)
            return path
        self._run_command(statement, cwd, scopes)
        return cwd

    def _check_menu(self, path, statement):
        for depth in range(1, len(path) + 1):
            if not self.router.script_menu_exists("/" + "/".join(path[:depth])):
                # the first word that names no menu
                raise ScriptError("bad command name %s" % path[depth - 1], statement.line, statement.column)

    def _run_command(self, statement, cwd, scopes, nested=False):
        from .facts import RouterError

        if statement.ice:
            return self._ice(statement, cwd, scopes)
        path = self._menu(statement, cwd)
        menu = "/" + "/".join(path)
        self._check_menu(path, statement)
        name = statement.name
        if name == "find":
            return self._find(menu, statement, cwd, scopes)
        args = {}
        # A [command] inside runs in this command's menu (``set [ find ... ]``).
        for arg, value in statement.args:
            args[arg] = _text(self.value(value, path, scopes)) if value is not None else ""
        for position, value in enumerate(statement.unnamed):
            text = _text(self.value(value, path, scopes))
            if (name == "add" or (position > 0 and name == "set")) and \
                    re.fullmatch(r"!?[a-z][a-z0-9-]*", text):
                # A flag argument given bare ('passive'), or '!name' (unset) as verbose exports write it.
                if not text.startswith("!"):
                    args[text] = "yes"
                elif name == "set":
                    args[text] = ""
                continue
            if name == "get":
                # get NUMBER VALUE-NAME (manual-scripting, "General commands")
                args["value-name" if "number" in args else "number"] = text
                continue
            if name == "import" and menu == "/" and "file-name" not in args:
                args["file-name"] = text
            elif name in ("print", "export"):
                args[text] = ""
            else:
                if "numbers" in args:
                    args["numbers"] += "," + text if text else ""
                else:
                    args["numbers"] = text
        if name in ("set", "remove", "enable", "disable", "comment", "unset", "move") and \
                args.get("numbers", None) == "":
            # [find ...] that matched nothing: RouterOS does nothing.
            return ""
        try:
            if menu == "/" and name == "import":
                self.router.import_file(args.pop("file-name", None), args, sleep=self.sleep,
                                        max_delay=self.max_delay)
                return ""
            if name in ("print", "export") and not nested:
                rows, _done, _changed = self.router.execute(menu, "print",
                                                            {k: v for k, v in args.items() if k == "file"})
                return ""
            rows, done, _changed = self.router.execute(menu, name, args)
        except RouterError as error:
            raise ScriptError(error.message, statement.line, statement.column)
        self.commands_run += 1
        return done.get("ret", "")

    def _find(self, menu, statement, cwd, scopes):
        """``find`` and ``find where``: the ids of the rows that match every condition (a list)."""
        from .facts import RouterError

        if statement.where is not None:
            try:
                rows = self.router.rows_for_script(menu)
            except RouterError as error:
                raise ScriptError(error.message, statement.line, statement.column)
            return [row.get(".id", "") for row in rows if self._truth(statement.where, cwd, scopes, row)]
        conditions = []
        for value in statement.unnamed:
            text = _text(self.value(value, cwd, scopes))
            if text == "where":
                continue
            conditions.append((text.lstrip("!"), None, text.startswith("!")))
        for arg, value in statement.args:
            conditions.append((arg, _text(self.value(value, cwd, scopes)), False))
        try:
            rows = self.router.rows_for_script(menu)
        except RouterError as error:
            raise ScriptError(error.message, statement.line, statement.column)
        return [row.get(".id", "") for row in rows
                if all(_matches(row, key, wanted, negate) for key, wanted, negate in conditions)]

    def _ice(self, statement, cwd, scopes):
        name = statement.name
        if name == "if":
            # :if (condition) do={ ... } else={ ... }  (manual-scripting, "Global commands")
            if len(statement.unnamed) != 1:
                raise ScriptError("syntax error", statement.line, statement.column)
            branches = dict(statement.args)
            chosen = branches.get("do") if _truthy(self.value(statement.unnamed[0], cwd, scopes)) else \
                branches.get("else")
            if chosen is not None:
                if len(chosen.pieces) != 1 or chosen.pieces[0].kind != "block":
                    raise ScriptError("syntax error", chosen.line, chosen.column)
                self._run_block(chosen.pieces[0].block, cwd, scopes + [{}])
            return ""
        if name == "do":
            # :do { ... } on-error={ ... }  (manual-scripting, "Catch run-time errors")
            branches = dict(statement.args)
            if len(statement.unnamed) != 1 or statement.unnamed[0].pieces[0].kind != "block":
                raise ScriptError("syntax error", statement.line, statement.column)
            try:
                self._run_block(statement.unnamed[0].pieces[0].block, cwd, scopes + [{}])
            except ScriptError:
                handler = branches.get("on-error")
                if handler is None:
                    raise
                self._run_block(handler.pieces[0].block, cwd, scopes + [{}])
            return ""
        values = [self.value(v, cwd, scopes) for v in statement.unnamed]
        if name == "len":
            return len(values[0]) if values and isinstance(values[0], list) else len(_text(values[0] if values else ""))
        if name == "pick":
            if len(values) < 2:
                raise ScriptError("syntax error", statement.line, statement.column)
            sequence, index = values[0], int(_text(values[1]))
            if isinstance(sequence, list):
                return sequence[index] if 0 <= index < len(sequence) else ""
            return _text(sequence)[index:index + 1]
        if name == "error":
            raise ScriptError(_text(values[0]) if values else "error", statement.line, statement.column)
        if name == "delay":
            text = _text(values[0]) if values else "1s"
            try:
                seconds = parse_duration(text)
            except ValueError:
                raise ScriptError("invalid value for argument delay-time", statement.line, statement.column)
            if self.max_delay is not None:
                seconds = min(seconds, self.max_delay)
            self.sleep(seconds)
            return ""
        if name in ("local", "global"):
            if not values:
                raise ScriptError("syntax error", statement.line, statement.column)
            variable = _text(values[0])
            content = values[1] if len(values) > 1 else ""
            if name == "local":
                scopes[-1][variable] = content
            else:
                self.globals[variable] = content
            return ""
        if name == "set":
            variable = _text(values[0]) if values else ""
            content = values[1] if len(values) > 1 else ""
            for scope in reversed(scopes):
                if variable in scope:
                    scope[variable] = content
                    return ""
            if variable in self.globals:
                self.globals[variable] = content
                return ""
            raise ScriptError("undefined variable %s" % variable, statement.line, statement.column)
        if name in ("put", "log"):
            self.output.append(" ".join(_text(v) for v in (values[1:] if name == "log" else values)))
            return ""
        raise ScriptError("bad command name %s" % name, statement.line, statement.column)


_BOOL = {"yes": "true", "no": "false", "true": "true", "false": "false"}


def _text(value):
    """A value as an argument word: lists of ids as RouterOS prints them, comma separated."""
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _truthy(value):
    if isinstance(value, (bool, int)):
        return bool(value)
    if isinstance(value, list):
        return bool(value)
    return str(value).lower() not in ("", "false", "no", "0")


def _compare(operator, actual, wanted, field):
    if operator == "~":
        return actual is not None and re.search(_text(wanted), _text(actual)) is not None
    if operator in ("=", "!="):
        if actual is None:
            same = False
        else:
            left, right = _text(actual), _text(wanted)
            same = left == right or _BOOL.get(left, left) == _BOOL.get(right, right)
        return same if operator == "=" else not same
    try:
        left, right = float(_text(actual)), float(_text(wanted))
    except ValueError:
        return False
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}.get(operator, False)


def _matches(row, key, wanted, negate):
    present = row.get(key)
    if wanted is None:
        truth = present not in (None, "", "false", "no")
    else:
        truth = present is not None and (present == wanted or _BOOL.get(present) == _BOOL.get(wanted, wanted))
    return truth != negate


def run(router, text, sleep=time.sleep, max_delay=None):
    """Parse and run ``text`` on ``router``; returns the interpreter (its output and counters)."""
    interpreter = Interpreter(router, sleep=sleep, max_delay=max_delay)
    interpreter.run(parse(text))
    return interpreter
