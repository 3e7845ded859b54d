# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator through the real librouteros client, over real sockets."""

from __future__ import annotations

import ssl

import librouteros
import pytest
from librouteros import login as ros_login
from librouteros.exceptions import FatalError, TrapError
from librouteros.query import Key

from routeros_emu import evidence

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def read_tagged(api):
    """librouteros parses only =key=value words; tagged replies are read as raw words."""
    reply, words = api.protocol.readSentence()
    attrs = {}
    for word in words:
        if word.startswith(".tag="):
            attrs[".tag"] = word[5:]
        else:
            _empty, key, value = word.split("=", 2)  # an attribute word is "=key=value"
            attrs[key] = value
    return reply, attrs


def raw(api, *words):
    """Send one sentence, return [(reply word, {attrs})] up to and including !done."""
    api.protocol.writeSentence(*words)
    replies = []
    while True:
        reply, attrs = api.readSentence()
        replies.append((reply, attrs))
        if reply == "!done":
            return replies


def ros7(router):
    return evidence.parse_version(router.release)[0] >= 7


def test_login_plain_legacy_and_wrong_password(routeros):
    api = routeros.connect()
    assert list(api.path("system", "identity"))[0]["name"] == "MikroTik"
    api.close()
    legacy = routeros.connect(login_method=ros_login.token)
    assert list(legacy.path("system", "resource"))[0]["version"].startswith(routeros.release)
    legacy.close()
    with pytest.raises(TrapError, match=r"invalid user name or password \(6\)"):
        librouteros.connect(host=routeros.host, port=routeros.port, username="admin", password="wrong", timeout=5)
    assert routeros.stats()["login_failures"] == 1


def test_print_proplist_and_queries(routeros):
    api = routeros.connect()
    mangle = api.path("ip", "firewall", "mangle")
    ids = [mangle.add(chain=chain, action="accept", comment=comment)
           for chain, comment in (("prerouting", "a"), ("output", "b"), ("prerouting", "c"))]
    mangle.add(chain="forward", action="accept")
    assert ids == sorted(ids, key=lambda i: int(i[1:], 16)) and all(i.startswith("*") for i in ids)
    chain, comment, ident = Key("chain"), Key("comment"), Key(".id")
    selected = list(mangle.select(ident, comment).where(chain == "prerouting"))
    assert selected == [{".id": ids[0], "comment": "a"}, {".id": ids[2], "comment": "c"}]
    assert [r["comment"] for r in mangle.select(comment).where(chain != "prerouting", comment.In("a", "b"))] == ["b"]
    # Raw stack operators: prerouting OR forward, then NOT of "has comment".
    replies = raw(api, "/ip/firewall/mangle/print", "=.proplist=chain,comment", "?chain=prerouting",
                  "?=chain=forward", "?#|", "?-comment")
    assert [attrs for reply, attrs in replies if reply == "!re"] == [{"chain": "forward"}]
    replies = raw(api, "/ip/firewall/mangle/print", "=.proplist=.id", "?>.id=%s" % ids[1], "?#!", "?comment")
    assert [attrs[".id"] for reply, attrs in replies if reply == "!re"] == ids[:2]
    # Index operator: push a copy of the first value, AND it with "comment=c".
    replies = raw(api, "/ip/firewall/mangle/print", "=.proplist=comment", "?chain=prerouting", "?comment=c",
                  "?#0&")
    assert [attrs for reply, attrs in replies if reply == "!re"] == [{"comment": "c"}]
    count = raw(api, "/ip/firewall/mangle/print", "=count-only=", "?chain=prerouting")
    assert count[-1] == ("!done", {"ret": 2})
    getall = raw(api, "/ip/firewall/mangle/getall", "=.proplist=comment", "?comment=b")
    assert getall[0] == ("!re", {"comment": "b"})


def test_tags_interleave_and_carry_through(routeros):
    api = routeros.connect()
    api.protocol.writeSentence("/interface/print", "=.proplist=name", ".tag=one")
    api.protocol.writeSentence("/system/identity/print", ".tag=two")
    api.protocol.writeSentence("/ip/route/add", "=bogus=1", ".tag=three")
    seen = {}
    done = set()
    while len(done) < 3:
        reply, attrs = read_tagged(api)
        seen.setdefault(attrs.get(".tag"), []).append((reply, attrs))
        if reply == "!done":
            done.add(attrs[".tag"])
    assert [a["name"] for r, a in seen["one"] if r == "!re"][:2] == ["ether1", "ether2"]
    assert seen["two"][0][1]["name"] == "MikroTik"
    assert seen["three"][0][0] == "!trap" and seen["three"][0][1]["message"] == "unknown parameter"


def test_empty_reply_only_from_7_18(routeros):
    api = routeros.connect()
    replies = raw(api, "/ip/firewall/mangle/print", "?comment=nothing-has-this")
    words = [reply for reply, _attrs in replies]
    if evidence.parse_version(routeros.release) >= (7, 18):
        assert words == ["!empty", "!done"]
    else:
        assert words == ["!done"]
    assert list(api.path("ip", "firewall", "mangle")) == []  # librouteros copes with both


def test_errors_in_routeros_words(routeros):
    api = routeros.connect()
    with pytest.raises(TrapError, match="^unknown parameter$"):
        tuple(api("/interface/6to4/add", name="x", **{"remote-address": "192.0.2.1", "colour": "blue"}))
    with pytest.raises(TrapError, match="^input does not match any value of cipher$"):
        tuple(api("/interface/ovpn-client/add", **{"connect-to": "192.0.2.1", "user": "u", "cipher": "rot13"}))
    with pytest.raises(TrapError, match="^failure: already have interface with such name$"):
        tuple(api("/interface/6to4/add", name="bridge", **{"remote-address": "192.0.2.1"}))
    with pytest.raises(TrapError, match="^no such item$"):
        tuple(api("/ip/firewall/nat/set", **{".id": "*77", "comment": "x"}))
    with pytest.raises(TrapError, match="^no such command$"):
        tuple(api("/ip/firewall/mangle/frobnicate"))
    with pytest.raises(TrapError, match="^no such command prefix$"):
        tuple(api("/no/such/menu/print"))
    with pytest.raises(TrapError, match=r"^missing value\(s\) of argument\(s\) remote-address$") as info:
        tuple(api("/interface/6to4/add", name="sit9"))
    assert info.value.category == 1
    with pytest.raises(TrapError, match="^input does not match any value of interface$"):
        tuple(api("/ipv6/address/add", address="2001:db8::1/64", interface="ether9"))
    with pytest.raises(TrapError, match="^invalid value for argument address$"):
        tuple(api("/ipv6/address/add", address="2001:db8::zz/64", interface="ether1"))
    # Nothing half-made: every refused add left the menus as they were.
    assert [r["name"] for r in routeros.rows("/interface")][:3] == ["ether1", "ether2", "bridge"]
    assert routeros.rows("/interface/6to4") == [] and routeros.rows("/ipv6/address") == []


def test_ids_place_before_move_unset(routeros):
    api = routeros.connect()
    nat = api.path("ip", "firewall", "nat")
    defconf = routeros.rows("/ip/firewall/nat")[0][".id"]
    first = nat.add(chain="srcnat", action="accept", comment="first", **{"place-before": defconf})
    second = nat.add(chain="srcnat", action="masquerade", comment="second")
    assert [r["comment"] for r in nat] == ["first", "defconf: masquerade", "second"]
    tuple(nat("move", numbers=second, destination=first))
    assert [r["comment"] for r in nat] == ["second", "first", "defconf: masquerade"]
    tuple(nat("move", numbers=second))
    assert [r["comment"] for r in nat][-1] == "second"
    nat.remove(first, second)
    third = nat.add(chain="dstnat", action="accept")
    assert int(third[1:], 16) > int(second[1:], 16)  # ids are never reused
    nat.update(**{".id": third, "comment": "tmp", "log-prefix": "x"})
    tuple(api.rawCmd("/ip/firewall/nat/set", "=.id=%s" % third, "=!comment="))
    assert "comment" not in routeros.rows("/ip/firewall/nat")[-1]
    tuple(nat("unset", numbers=third, **{"value-name": "log-prefix"}))
    assert routeros.rows("/ip/firewall/nat")[-1]["log-prefix"] == ""
    tuple(nat("disable", numbers=third))
    assert routeros.rows("/ip/firewall/nat")[-1]["disabled"] == "true"


def test_policy_routing_dialects(routeros):
    api = routeros.connect()
    route = api.path("ip", "route")
    if ros7(routeros):
        with pytest.raises(TrapError, match="^input does not match any value of routing-table$"):
            route.add(**{"dst-address": "0.0.0.0/0", "gateway": "192.0.2.1", "routing-table": "via-vpn"})
        with pytest.raises(TrapError, match="^input does not match any value of new-routing-mark$"):
            api.path("ip", "firewall", "mangle").add(chain="prerouting", action="mark-routing",
                                                     **{"new-routing-mark": "via-vpn"})
        with pytest.raises(TrapError, match="^unknown parameter$"):
            route.add(**{"gateway": "192.0.2.1", "routing-mark": "via-vpn"})
        api.path("routing", "table").add(name="via-vpn", fib="")
        route.add(**{"dst-address": "0.0.0.0/0", "gateway": "192.0.2.1", "routing-table": "via-vpn"})
        tables = {r["name"]: r for r in routeros.rows("/routing/table")}
        assert tables["main"]["dynamic"] == "true" and tables["via-vpn"]["fib"] == ""
        with pytest.raises(TrapError, match="^failure: already have such entry$"):
            api.path("routing", "table").add(name="via-vpn")
        # A renamed table is renamed everywhere it is used.
        tuple(api("/routing/table/set", numbers="via-vpn", name="vpn"))
        assert routeros.rows("/ip/route")[-1]["routing-table"] == "vpn"
    else:
        with pytest.raises(TrapError, match="^unknown parameter$"):
            route.add(**{"gateway": "192.0.2.1", "routing-table": "via-vpn"})
        with pytest.raises(TrapError, match="^no such command prefix$"):
            list(api.path("routing", "table"))
        route.add(**{"dst-address": "0.0.0.0/0", "gateway": "192.0.2.1", "routing-mark": "via-vpn"})
        api.path("ip", "firewall", "mangle").add(chain="prerouting", action="mark-routing",
                                                 **{"new-routing-mark": "via-vpn"})
        assert routeros.rows("/ip/route")[-1]["routing-mark"] == "via-vpn"


def test_ovpn_client_dialect_and_monitor(routeros):
    api = routeros.connect()
    ovpn = api.path("interface", "ovpn-client")
    base = {"connect-to": "203.0.113.1", "user": "rtr", "password": "x", "certificate": "none"}
    strong = "aes256-cbc" if evidence.has(routeros.release, "cipher_mode_words") else "aes256"
    ident = ovpn.add(name="ovpn-hub", cipher=strong, auth="sha1", **base)
    row = routeros.rows("/interface/ovpn-client")[0]
    assert row["disabled"] == "true" and row["running"] == "false" and row["cipher"] == strong
    assert row["mac-address"].startswith("02:")
    legacy_only = "aes256" if strong == "aes256-cbc" else "aes256-gcm"
    with pytest.raises(TrapError, match="^input does not match any value of cipher$"):
        ovpn.update(**{".id": ident, "cipher": legacy_only})
    if evidence.has(routeros.release, "ovpn_protocol"):
        ovpn.update(**{".id": ident, "protocol": "udp"})
    else:
        with pytest.raises(TrapError, match="^unknown parameter$"):
            ovpn.update(**{".id": ident, "protocol": "udp"})
    with pytest.raises(TrapError, match="^input does not match any value of certificate$"):
        ovpn.update(**{".id": ident, "certificate": "nope"})
    assert list(api("/interface/ovpn-client/monitor", numbers=ident, once="")) == [{"status": "disabled"}]
    ovpn.update(**{".id": ident, "disabled": False})
    assert list(api("/interface/ovpn-client/monitor", numbers="ovpn-hub", once=""))[0]["status"] == "connecting..."
    # Streaming monitor until /cancel: RouterOS ends it with !trap interrupted (category 2), then !done.
    api.protocol.writeSentence("/interface/ovpn-client/monitor", "=numbers=%s" % ident, ".tag=mon")
    reply, attrs = read_tagged(api)
    assert reply == "!re" and attrs["status"] == "connecting..."
    api.protocol.writeSentence("/cancel", "=tag=mon", ".tag=c")
    seen = []
    while ("!done", "mon") not in seen or ("!done", "c") not in seen:
        reply, attrs = read_tagged(api)
        seen.append((reply, attrs.get(".tag")))
        if reply == "!trap":
            assert attrs["message"] == "interrupted" and attrs["category"] == "2"
    assert ("!trap", "mon") in seen
    assert [r["name"] for r in api.path("interface").select(Key("name")).where(Key("type") == "ovpn-out")] \
        == ["ovpn-hub"]


def test_quit_is_fatal(routeros):
    api = routeros.connect()
    with pytest.raises(FatalError, match="session terminated on request"):
        tuple(api("/quit"))


def test_file_upload_per_dialect(routeros):
    api = routeros.connect()
    files = api.path("file")
    if evidence.parse_version(routeros.release) >= (7, 9):
        files.add(name="hello.pem", contents="hello")
        row = [r for r in routeros.rows("/file") if r["name"] == "hello.pem"][0]
        assert row["contents"] == "hello" and row["size"] == "5" and row["type"] == ".pem file"
    else:
        with pytest.raises(TrapError, match="^no such command$"):
            files.add(name="hello.pem", contents="hello")
        # RouterOS 6 and 7.0-7.8: print to a file (it gets .txt appended), then set its contents.
        tuple(api("/file/print", file="hello.pem"))
        routeros.router.wait_pending()  # 6.x writes the file after the command returns
        tuple(api("/file/set", numbers="hello.pem.txt", contents="hello"))
        row = [r for r in routeros.rows("/file") if r["name"] == "hello.pem.txt"][0]
        assert row["contents"] == "hello" and row["size"] == "5"


def test_tls_with_certificate_validation(routeros):
    api = routeros.connect(tls=True)
    assert list(api.path("system", "identity"))[0]["name"] == "MikroTik"
    api.close()
    # Hostname checked too: the test certificate names 127.0.0.1.
    checked = ssl.create_default_context(cafile=routeros.ca_path)
    api = librouteros.connect(host=routeros.host, port=routeros.tls_port, username="admin",
                              password=routeros.password, timeout=5,
                              ssl_wrapper=lambda sock, **kw: checked.wrap_socket(sock, server_hostname="127.0.0.1"))
    assert list(api.path("system", "identity"))[0]["name"] == "MikroTik"
    api.close()
    strict = ssl.create_default_context()  # the system CAs do not know the test CA
    strict.check_hostname = False
    with pytest.raises(ssl.SSLCertVerificationError):
        librouteros.connect(host=routeros.host, port=routeros.tls_port, username="admin",
                            password=routeros.password, ssl_wrapper=strict.wrap_socket, timeout=5)
