"""``PrefixMap``: a mutable mapping ``IPNet -> value`` with longest-prefix match, IPv4 and IPv6 in one map.

Layout (pure Python, tuned for CPython's C-speed dicts, lists and ``bisect``):

* ``_exact``: ``code -> value``, where ``code = key << 8 | prefixlen`` and ``key`` is the
  network address in netx's one ordered key space (``netx._keys``). Codes sort exactly
  like ``IPNet``s, IPv4 before IPv6, so the same integers give the iteration order
  (``_order``: sorted blocks; a delete is one ``bisect`` and a short ``memmove``, an
  insert waits for the order's next reader, which places the batch). Everywhere below a
  prefix is its code; the ``(IPNet, value)`` pair a lookup returns is made on first use
  and kept (``_pairs``) until the value changes.
* IPv4: a list of 65,536 slots, one per /16 block. Prefixes of /0 to /16 are written into
  every slot they cover (at most 65,536 slots for a /0, one for a /16: bounded, however
  big the map). A slot whose /16 holds longer prefixes instead holds a *bucket*: those
  prefixes flattened into disjoint intervals (sorted starts, each labelled with the most
  specific prefix covering it) plus the slot's own /0-/16 answer as the fallback. A bucket
  is one flat list ``[fallback, start_0 .. start_n-1, label_0 .. label_n-1]`` (fewer objects
  to reach than three lists). A bulk build parses and sorts only (``_pending``); the slots
  are written by the first lookup or change (``_ready``), and each bucket is swept from the
  sorted codes the first time a lookup or a change reaches its slot.
* IPv4 lookups read neither of those but ``_fast``, the same 65,536 slots as lookups want
  them: a tuple ``(cells, answer_1, ...)`` per slot, where ``cells`` (256 bytes, one per /24
  of the slot; one shared object per distinct pattern, ``_cells``) holds the position in the
  tuple of that /24's answer: its ``(IPNet, value)`` pair, ``False`` for none, or for a /24
  that longer prefixes cut a ``_Dir`` of the same shape over its 256 addresses. So a lookup
  is a list index, two tuple indexes and a bytes index, no ``bisect``, no comparison,
  returning an object that already exists. Memory more than bytecodes bounds a lookup of a
  random probe: each step is one object. An entry is made from its slot the first time a
  lookup reaches it, and replaced by ``_STALE`` (whose cells lead to a ``bytes``: "remake")
  when a change touches a prefix that reaches the slot.
* IPv6: prefix lengths are cut into bands of 16 bits; a prefix of a band lies inside one
  aligned bucket (a /32 for lengths 33-48, ...), a bucket as above whose fallback is the
  answer of the shorter bands. A lookup probes one ``dict.get`` per non-empty band,
  longest first, until a bucket exists.
* Inserting or deleting touches the prefix's own bucket, and for a short prefix the slots
  or buckets it covers; nothing is ever rebuilt as a whole. (A single ``bisect`` over one
  big sorted list looks simpler, but every comparison in it is a cache miss: it is
  slower than the whole lookup above.)

Integers are exact at any width, so IPv6 is exact at every prefix length.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import ItemsView, Iterable, Iterator, Mapping, MutableMapping
from itertools import chain, compress, repeat
from operator import and_, gt, not_, rshift
from threading import RLock
from typing import Any, Generic, TypeVar, overload

from ._desc import TypeDesc
from ._errors import NetworkError, shorten
from ._ip import _AF4, _AF6, IP, MAX_TEXT, _from_bytes, _pton
from ._keys import V6_BASE
from ._net import _PREFIX4, IPInterface, IPNet, _make_net

__all__ = ["PrefixMap"]

V = TypeVar("V")
D = TypeVar("D")

_CIDR4 = {text: v for text, v in _PREFIX4.items() if text}  # IPNet's "0".."32" (a bare address goes to IPNet)
_MISSING: Any = object()
_BUILDING: Any = []  # ``_pending`` while ``_ready`` builds (a list of its own, never the codes)
_LAZY = RLock()
"""Held while a map builds what a read needs (``_ready``, ``_Codes._placed``): reads may run in many
threads, and each of these is more than one step."""
_new = object.__new__
_BITS = {4: 32, 6: 128}
_BASE = {4: 0, 6: V6_BASE}
_STRIDE = 16  # IPv6: bits per band
_NBANDS = 8
_TOP = 16  # IPv4: prefix length of a slot
_NETMASK = {v: tuple(((1 << b) - 1) ^ ((1 << (b - p)) - 1) for p in range(b + 1)) for v, b in _BITS.items()}
_V6_CODE = V6_BASE << 8  # codes from here on are IPv6
_BLOCK = 512  # codes per block of the ordered index (split at twice that)

Bucket = list[Any]  # [fallback code or None, n interval starts, their n labels (codes or None)]


_BYTES = [bytes([i]) for i in range(256)]
_ONES = bytes([1]) * 256  # the cells of a slot with one answer (or none): all at position 1
_NOTHING = (_ONES, False)  # the lookup entry of a slot that no prefix reaches
_STALE = (bytes(256),)  # ... of a slot to remake: its cells lead to its cells (a ``bytes``)


class _NoSlots:
    """The lookup slots of a map without IPv4 prefixes: nothing reaches any of them."""

    __slots__ = ()

    def __getitem__(self, slot: int) -> tuple[bytes, bool]:
        return _NOTHING


_NO_SLOTS = _NoSlots()


class _Dir(tuple):  # type: ignore[type-arg]
    """The lookup entry of a /24 that longer prefixes cut: ``(cells, answer_1, ...)`` as a slot's
    entry, over its 256 addresses (a class of its own, so that a lookup tells it from a pair)."""

    __slots__ = ()


class _Codes:
    """A sorted list of ints kept as blocks of at most ``2 * _BLOCK``: cheap inserts and deletes.

    Codes added go to ``added`` (unsorted) and into the blocks only when the order is next read or a
    code is removed: lookups never read it, and each placed code costs two ``bisect``s over ints
    spread across memory (a cache miss a comparison, ~2 µs in a 100k map), while a big batch sorts
    itself once and is merged in one pass."""

    __slots__ = ("blocks", "firsts", "added")

    def __init__(self, codes: list[int] | None = None) -> None:
        self._block(codes or [])  # sorted
        self.added: list[int] = []

    def _block(self, codes: list[int]) -> None:
        self.blocks = [codes[i:i + _BLOCK] for i in range(0, len(codes), _BLOCK)]
        self.firsts = [b[0] for b in self.blocks]

    def add(self, code: int) -> None:
        """Add ``code`` (not present: the map checks)."""
        self.added.append(code)

    def _placed(self) -> None:
        """Put the codes added since the last read into the blocks: one by one when they are few,
        else one merge of the sorted batch with the blocks. Under ``_LAZY``, and ``added`` is
        emptied last: a reader in another thread waits until every code is in place."""
        if not self.added:
            return
        with _LAZY:
            added = self.added
            if not added:
                return
            added.sort()
            if len(added) * 256 < len(self.blocks) * _BLOCK:
                for code in added:
                    self._insert(code)
            else:  # two sorted runs: list.sort merges them in C, galloping through the long one
                codes = list(chain.from_iterable(self.blocks))
                codes += added
                codes.sort()
                self._block(codes)
            self.added = []

    def _insert(self, code: int) -> None:
        blocks, firsts = self.blocks, self.firsts
        if not blocks:
            blocks.append([code])
            firsts.append(code)
            return
        b = max(bisect_right(firsts, code) - 1, 0)
        block = blocks[b]
        block.insert(bisect_right(block, code), code)
        firsts[b] = block[0]
        if len(block) > 2 * _BLOCK:
            blocks.insert(b + 1, block[_BLOCK:])
            del block[_BLOCK:]
            firsts.insert(b + 1, blocks[b + 1][0])

    def remove(self, code: int) -> None:
        """Remove ``code`` (present: the map checks)."""
        self._placed()
        blocks, firsts = self.blocks, self.firsts
        b = bisect_right(firsts, code) - 1
        block = blocks[b]
        del block[bisect_left(block, code)]
        if block:
            firsts[b] = block[0]
        else:
            del blocks[b], firsts[b]

    def since(self, code: int) -> Iterator[int]:
        """The codes >= ``code``, in order (the caller stops early)."""
        self._placed()
        blocks = self.blocks
        b = max(bisect_right(self.firsts, code) - 1, 0)
        if b < len(blocks):
            block = blocks[b]
            yield from block[bisect_left(block, code):]
            for block in blocks[b + 1:]:
                yield from block

    def __iter__(self) -> Iterator[int]:
        self._placed()
        for block in self.blocks:
            yield from block


class PrefixMap(MutableMapping[IPNet, V], Generic[V]):
    """A mutable mapping from networks to values with longest-prefix match (routing tables,
    GeoIP and cloud-range lookups, ACLs); IPv4 and IPv6 in one map.

    Keys are anything ``IPNet(key)`` accepts (strict: host bits are a ``NetworkError``);
    iteration is in ``IPNet`` order. ``m.longest(ip)`` is the most specific prefix holding
    ``ip``, ``m.covering(x)`` every prefix holding it, ``m.covered(net)`` every prefix inside.
    """

    __slots__ = ("_exact", "_pairs", "_order", "_top", "_fast", "_unswept", "_bands", "_probe6", "_lens", "_desc",
                 "_version", "_pending", "_cells", "__weakref__")

    _exact: dict[int, V]  # code -> value
    _pairs: dict[int, tuple[IPNet, V]]  # code -> (IPNet, value), made on first use
    _order: _Codes
    _top: list[Any] | None  # IPv4 slots: None, a code, or a bucket
    _fast: list[Any] | _NoSlots  # IPv4 slots as lookups read them: (cells, answers...) tuples
    _unswept: list[int]  # the sorted IPv4 /17+ codes of the bulk build, swept per slot on first use
    _bands: list[dict[int, Bucket]]  # IPv6
    _probe6: tuple[tuple[int, dict[int, Bucket]], ...]
    _lens: dict[int, dict[int, int]]  # version -> prefix length -> how many
    _desc: dict[int, list[int]]  # version -> its present prefix lengths, longest first (cached)
    _version: int
    _pending: list[int] | None  # the sorted codes of a bulk build whose slots and buckets are not built yet
    _cells: dict[bytes, bytes]  # the lookup entries' cells, one object per pattern

    def __init__(self, items: Mapping[Any, V] | Iterable[tuple[Any, V]] = ()) -> None:
        self._reset()
        self._bulk(items)

    def _reset(self) -> None:
        self._exact = {}
        self._pairs = {}
        self._order = _Codes()
        self._top = None
        self._fast = _NO_SLOTS
        self._unswept = []
        self._pending = None
        self._cells = {}
        self._bands = [{} for _ in range(_NBANDS)]
        self._probe6 = ()
        self._lens = {4: {}, 6: {}}
        self._desc = {}
        self._version = 0

    def _lengths(self, ver: int) -> list[int]:
        """The prefix lengths present in family ``ver``, longest first."""
        self._ready()
        lengths = self._desc.get(ver)
        if lengths is None:
            lengths = self._desc[ver] = sorted(self._lens[ver], reverse=True)
        return lengths

    def _pair(self, code: int) -> tuple[IPNet, V]:
        """The ``(IPNet, value)`` of a code (made once, then kept until the value changes)."""
        pair = self._pairs.get(code)
        if pair is None:
            key, plen = code >> 8, code & 0xFF
            net = _make_net(key - V6_BASE, plen, 6) if key >= V6_BASE else _make_net(key, plen, 4)
            pair = self._pairs[code] = (net, self._exact[code])
        return pair

    # -- building ----------------------------------------------------------------------------
    def _bulk(self, items: Mapping[Any, V] | Iterable[tuple[Any, V]]) -> None:
        """Add many items: into an empty map (or one smaller than the batch) with one sort and no
        per-item splicing, the slots and buckets left for the first lookup or change (``_ready``)."""
        pairs: Iterable[Any] = items.items() if isinstance(items, Mapping) else items
        new = _parse(pairs)
        exact = self._exact
        if exact and len(new) * 4 < len(exact):  # a few into many: each into its place
            for code, value in new.items():
                self._set(code, value)
            return
        if not new:
            return
        if exact:
            exact.update(new)
        else:
            exact = new
        version = self._version
        self._reset()
        self._exact = exact
        codes = sorted(exact, key=float)  # (floats compare faster than 2-digit ints, and keep the order ...
        if codes[-1] >> 53:  # ... but tie above 2**53: an IPv6 map needs a second, nearly linear pass)
            codes.sort()
        self._order = _Codes(codes)
        self._pending = codes
        if codes[0] < _V6_CODE:
            self._fast = [_STALE] * (1 << _TOP)  # every slot stale: the first lookup of each makes it
        self._version = version + 1

    def update(self, other: Any = (), /, **kwds: V) -> None:
        """Add the items of a mapping or of ``(network, value)`` pairs (and ``kwds``), as ``dict.update``:
        many at once take the bulk path (one parse, one sort), a few into a big map their places."""
        if isinstance(other, Mapping):
            pairs: Iterable[Any] = other.items()
        elif hasattr(other, "keys"):
            pairs = ((key, other[key]) for key in other.keys())
        else:
            pairs = other
        self._bulk(chain(pairs, kwds.items()) if kwds else pairs)

    @classmethod
    def fromkeys(cls, keys: Iterable[Any], value: Any = None) -> PrefixMap[Any]:
        """A map of ``keys`` (networks) all to ``value``, as ``dict.fromkeys`` (built in bulk)."""
        return cls(zip(keys, repeat(value)))

    def _ready(self) -> None:
        """Build the slots and buckets a bulk build left for later (lookups and changes call this).
        Under ``_LAZY``, so that lookups from other threads wait for the build rather than read it
        half made; the build itself reads ``_pending`` as ``_BUILDING`` (done, to its own calls)."""
        if self._pending is not None:
            with _LAZY:
                codes = self._pending
                if codes is not None and codes is not _BUILDING:
                    self._pending = _BUILDING
                    try:
                        self._sweep(codes)
                    finally:
                        self._pending = None

    def _sweep(self, codes: list[int]) -> None:
        """Build the slots and buckets from the sorted codes (parents sort before their children).
        IPv4 buckets are only marked here and swept per slot on first use (``_swept``)."""
        split = bisect_left(codes, _V6_CODE)  # IPv4 codes sort first
        v4, v6 = codes[:split], codes[split:]
        # (map, compress and Counter: the per-prefix work stays in C)
        plens = list(map(and_, v4, repeat(0xFF)))
        self._lens[4].update(Counter(plens))
        self._desc.clear()
        if v4:
            top = self._top = [None] * (1 << _TOP)
            if not isinstance(self._fast, list):
                self._fast = [_STALE] * (1 << _TOP)
            long = list(map(gt, plens, repeat(_TOP)))
            for code in compress(v4, map(not_, long)):  # ancestors first: the more specific overwrite
                lo = code >> (8 + 32 - _TOP)
                n = 1 << (_TOP - (code & 0xFF))
                top[lo:lo + n] = [code] * n
            self._unswept = list(compress(v4, long))
            for slot in set(map(rshift, self._unswept, repeat(8 + 32 - _TOP))):
                top[slot] = [top[slot]]  # an unswept bucket: only its fallback
        groups: dict[int, list[int]] = {}
        counts6 = self._lens[6]
        for code in v6:  # IPv6 band b -> its codes
            plen = code & 0xFF
            counts6[plen] = counts6.get(plen, 0) + 1
            band = (plen - 1) // _STRIDE if plen else 0
            group = groups.get(band)
            if group is None:
                group = groups[band] = []
            group.append(code)
        for band, group in groups.items():
            self._bands[band] = _buckets(group, 128, 128 - band * _STRIDE, V6_BASE)
        self._reprobe()
        for band in range(1, _NBANDS):  # fallbacks, shortest band first (each reads the ones below)
            for bkey, bucket in self._bands[band].items():
                bucket[0] = self._below(bkey << (128 - band * _STRIDE), band)

    def _swept(self, slot: int) -> Bucket:
        """The bucket of an IPv4 slot, swept now if the bulk build left it unswept."""
        top = self._top
        assert top is not None
        bucket: Bucket = top[slot]
        if len(bucket) == 1:
            unswept = self._unswept
            lo = bisect_left(unswept, slot << (8 + 32 - _TOP))
            hi = bisect_left(unswept, (slot + 1) << (8 + 32 - _TOP), lo)
            bucket[1:] = _buckets(unswept[lo:hi], 32, 32 - _TOP, 0)[slot][1:]
        return bucket

    def _stale(self, code: int) -> None:
        """Forget the lookup entries of the IPv4 slots that prefix ``code`` reaches (they are remade on use)."""
        fast = self._fast
        assert isinstance(fast, list)
        lo, plen = code >> (8 + 32 - _TOP), code & 0xFF
        if plen <= _TOP:
            n = 1 << (_TOP - plen)
            fast[lo:lo + n] = [_STALE] * n
        else:
            fast[lo] = _STALE

    def _entry(self, slot: int) -> tuple[Any, ...]:
        """The lookup entry of an IPv4 slot, made from its slot or bucket: ``(cells, answer_1, ...)``,
        where ``cells`` holds, for each /24 of the slot, the position of its answer in the tuple:
        the ``(IPNet, value)`` pair of the most specific prefix holding it, ``False`` for none, or
        the ``_Dir`` of a /24 that longer prefixes cut (the same over its 256 addresses)."""
        self._ready()
        assert self._top is not None
        e = self._top[slot]
        if e.__class__ is not list:
            return _NOTHING if e is None else (_ONES, self._pair(e))
        b = self._swept(slot)
        fallback, n = b[0], (len(b) - 1) >> 1
        labels = [label if label is not None else fallback for label in b[n + 1:]]
        return self._dir(b[1:n + 1], labels, slot << 16, 8, tuple)

    def _dir(self, starts: list[int], labels: list[int | None], base: int, shift: int,
             kind: type[tuple[Any, ...]]) -> tuple[Any, ...]:
        """The entry of the 256 cells of ``1 << shift`` addresses from ``base``, from the intervals
        (``starts[0] == base``, each labelled with its answer's code or ``None``) that cover them.
        A cell that an interval boundary cuts gets a ``_Dir`` of its own (its addresses, ``shift`` 0)."""
        answers: list[Any] = []  # the entry's items after the cells
        index: dict[int | None, int] = {}  # label -> its position in the entry
        fills = []  # (first cell, end cell, position)
        cut = []
        n = len(starts)
        for t in range(n):
            s = starts[t] - base
            label = labels[t]
            pos = index.get(label)
            if pos is None:
                pos = index[label] = len(answers) + 1
                answers.append(False if label is None else self._pair(label))
            lo, hi = -(-s >> shift), (starts[t + 1] - base if t + 1 < n else 256 << shift) >> shift
            if lo < hi:
                fills.append((lo, hi, pos))
            if s & ((1 << shift) - 1):
                cut.append(s >> shift)
        for c in dict.fromkeys(cut):  # (in order, once each)
            first = base + (c << shift)
            i = bisect_right(starts, first) - 1
            j = bisect_left(starts, first + (1 << shift), i)
            answers.append(self._dir([first, *starts[i + 1:j]], labels[i:j], first, shift - 8, _Dir))
            fills.append((c, c + 1, len(answers)))
        if len(answers) < 256:  # (bytes from slices: a list of 256 ints to bytes costs ten times more)
            table: Any = bytearray(256)
            for lo, hi, pos in fills:
                table[lo:hi] = _BYTES[pos] * (hi - lo)
            table = bytes(table)
            cells = self._cells  # one object per distinct pattern: the common ones stay in cache
            if len(cells) > 1 << 17:
                cells.clear()
            table = cells.setdefault(table, table)
        else:
            table = array("H", bytes(512))
            for lo, hi, pos in fills:
                table[lo:hi] = array("H", [pos]) * (hi - lo)
        return kind((table, *answers))

    def _longest4_rest(self, f: Any, k: int) -> Any:
        """``longest`` for an IPv4 int whose cell in its slot's entry is a ``_Dir`` (read its cell) or
        the stale mark (a ``bytes``: remake the slot's entry, then read it); a pair or ``False``."""
        if f.__class__ is bytes:
            assert isinstance(self._fast, list)  # (an IPv4-less map has no stale slots)
            f = self._fast[k >> 16] = self._entry(k >> 16)
            f = f[f[0][k >> 8 & 0xFF]]
        if f.__class__ is _Dir:
            f = f[f[0][k & 0xFF]]
        return f

    def _below(self, k: int, band: int) -> int | None:
        """The most specific IPv6 prefix holding ``k`` among the bands below ``band``."""
        bands = self._bands
        for d in range(band - 1, -1, -1):
            bucket = bands[d].get(k >> (128 - d * _STRIDE))
            if bucket is not None:
                n = (len(bucket) - 1) >> 1
                label: int | None = bucket[n + bisect_right(bucket, k, 1, n + 1) - 1]
                return label if label is not None else bucket[0]
        return None

    def _reprobe(self) -> None:
        """The IPv6 lookup plan: the non-empty bands, longest first."""
        self._probe6 = tuple(
            (128 - band * _STRIDE, buckets) for band, buckets in reversed(list(enumerate(self._bands))) if buckets
        )

    def _deeper(self, band: int, start: int, plen: int) -> Iterator[Bucket]:
        """The IPv6 buckets of the bands above ``band`` that lie inside prefix ``start/plen``."""
        last = start | ((1 << (128 - plen)) - 1)
        for c in range(band + 1, _NBANDS):
            buckets = self._bands[c]
            if buckets:
                shift = 128 - c * _STRIDE
                lo, hi = start >> shift, last >> shift
                if hi - lo < len(buckets):
                    for key in range(lo, hi + 1):
                        bucket = buckets.get(key)
                        if bucket is not None:
                            yield bucket
                else:
                    for key, bucket in list(buckets.items()):
                        if lo <= key <= hi:
                            yield bucket

    def _parent(self, ver: int, start: int, plen: int, floor: int = 0) -> int | None:
        """The code of the most specific prefix of length ``floor`` .. ``plen - 1`` holding ``start``."""
        exact, base, masks = self._exact, _BASE[ver], _NETMASK[ver]
        for p in self._lengths(ver):
            if floor <= p < plen:
                code = ((start & masks[p]) + base) << 8 | p
                if code in exact:
                    return code
        return None

    # -- mapping -------------------------------------------------------------------------------
    def __setitem__(self, key: Any, value: V) -> None:
        self._set(_code(key), value)

    def _set(self, code: int, value: V) -> None:
        self._ready()
        exact = self._exact
        if code < _V6_CODE:
            if self._top is None:
                self._top, self._fast = [None] * (1 << _TOP), [_STALE] * (1 << _TOP)
            self._stale(code)
        if code in exact:  # a new value for a present prefix: the labels (codes) stay
            exact[code] = value
            self._pairs.pop(code, None)
            return
        exact[code] = value
        start, plen = code >> 8, code & 0xFF
        ver = 4 if code < _V6_CODE else 6
        counts = self._lens[ver]
        counts[plen] = counts.get(plen, 0) + 1
        self._desc.pop(ver, None)
        self._order.add(code)
        self._version += 1
        if ver == 4:
            top = self._top
            assert top is not None
            if plen <= _TOP:  # every slot it covers whose answer was shorter (or nothing)
                lo = start >> (32 - _TOP)
                for b in range(lo, lo + (1 << (_TOP - plen))):
                    e = top[b]
                    if e.__class__ is list:
                        f = e[0]
                        if f is None or f & 0xFF < plen:
                            e[0] = code
                    elif e is None or e & 0xFF < plen:
                        top[b] = code
                return
            b = start >> (32 - _TOP)
            e = top[b]
            if e.__class__ is not list:
                e = top[b] = [e, b << (32 - _TOP), None]
            bucket = self._swept(b)
            bits, bend = 32, (b + 1) << (32 - _TOP)
        else:
            start -= V6_BASE
            band = (plen - 1) // _STRIDE if plen else 0
            shift = 128 - band * _STRIDE
            buckets = self._bands[band]
            found = buckets.get(start >> shift)
            if found is None:
                bucket = buckets[start >> shift] = [self._below(start, band), start >> shift << shift, None]
                if len(buckets) == 1:
                    self._reprobe()
            else:
                bucket = found
            for deeper in self._deeper(band, start, plen):
                f = deeper[0]
                if f is None or f & 0xFF < plen:
                    deeper[0] = code
            bits, bend = 128, ((start >> shift) + 1) << shift
        # intervals t = i .. j-1 lie inside the prefix: start t at bucket[1 + t], its label at bucket[1 + n + t]
        n = (len(bucket) - 1) >> 1
        end = start + (1 << (bits - plen))  # one past the last address
        i = bisect_right(bucket, start, 1, n + 1) - 2
        j = bisect_left(bucket, end, 2 + i, n + 1) - 1
        if bucket[1 + i] != start:  # split at both ends, then label what an ancestor (or nothing) held
            i += 1
            j += 1
            label = bucket[n + i]
            bucket.insert(1 + i, start)
            n += 1
            bucket.insert(1 + n + i, label)
        if end < bend and (j == n or bucket[1 + j] != end):
            label = bucket[n + j]
            bucket.insert(1 + j, end)
            n += 1
            bucket.insert(1 + n + j, label)
        for t in range(1 + n + i, 1 + n + j):
            v = bucket[t]
            if v is None or v & 0xFF < plen:
                bucket[t] = code

    def __getitem__(self, key: Any) -> V:
        code = _code(key)
        try:
            return self._exact[code]
        except KeyError:
            raise KeyError(key) from None

    def __delitem__(self, key: Any) -> None:
        code = _code(key)
        self._ready()
        exact = self._exact
        if code not in exact:
            raise KeyError(key)
        start, plen = code >> 8, code & 0xFF
        ver = 4 if code < _V6_CODE else 6
        if ver == 4:
            self._stale(code)
            if plen > _TOP:
                self._swept(start >> (32 - _TOP))  # (before the code leaves the map)
        del exact[code]
        self._pairs.pop(code, None)
        self._order.remove(code)
        counts = self._lens[ver]
        counts[plen] -= 1
        if not counts[plen]:
            del counts[plen]
            self._desc.pop(ver, None)
        self._version += 1
        if ver == 4:
            top = self._top
            assert top is not None
            b = start >> (32 - _TOP)
            if plen <= _TOP:
                parent = self._parent(4, start, plen)
                for b in range(b, b + (1 << (_TOP - plen))):
                    e = top[b]
                    if e.__class__ is list:
                        if e[0] == code:
                            e[0] = parent
                    elif e == code:
                        top[b] = parent
                return
            bucket = top[b]
            inner = self._parent(4, start, plen, _TOP + 1)
            bits = 32
        else:
            start -= V6_BASE
            band = (plen - 1) // _STRIDE if plen else 0
            shift = 128 - band * _STRIDE
            parent = self._parent(6, start, plen)
            for deeper in self._deeper(band, start, plen):
                if deeper[0] == code:
                    deeper[0] = parent
            bucket = self._bands[band][start >> shift]
            inner = self._parent(6, start, plen, band * _STRIDE + 1 if band else 0)
            bits = 128
        n = (len(bucket) - 1) >> 1
        i = bisect_right(bucket, start, 1, n + 1) - 2
        j = bisect_left(bucket, start + (1 << (bits - plen)), 2 + i, n + 1) - 1
        for t in range(1 + n + i, 1 + n + j):
            if bucket[t] == code:
                bucket[t] = inner
        # drop the boundaries that no longer separate different labels (the label first: it sits after n)
        if j < n and bucket[1 + n + j] == bucket[n + j]:
            del bucket[1 + n + j], bucket[1 + j]
            n -= 1
        if i > 0 and bucket[1 + n + i] == bucket[n + i]:
            del bucket[1 + n + i], bucket[1 + i]
            n -= 1
        if n == 1 and bucket[2] is None:  # nothing left in the bucket
            if ver == 4:
                assert self._top is not None
                self._top[start >> (32 - _TOP)] = bucket[0]
            else:
                buckets = self._bands[band]
                del buckets[start >> shift]
                if not buckets:
                    self._reprobe()

    def __contains__(self, key: object) -> bool:
        return _code(key) in self._exact

    def __len__(self) -> int:
        return len(self._exact)

    def __iter__(self) -> Iterator[IPNet]:
        for pair in _Items(self):
            yield pair[0]

    def items(self) -> ItemsView[IPNet, V]:
        """``(IPNet, value)`` pairs in ``IPNet`` order (a live view, as for dicts)."""
        return _Items(self)

    def clear(self) -> None:
        self._reset()

    def copy(self) -> PrefixMap[V]:
        """A shallow copy (the values are shared)."""
        return type(self)(_Items(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PrefixMap):
            return self._exact == other._exact
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def to_json(self) -> str:
        """This map as JSON text: an object of CIDR -> value (values through ``netx.json``)."""
        from .json import dumps

        return dumps(self).decode()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """``PrefixMap[V]`` as a pydantic field: an object (a mapping in Python) of networks to
        ``V``, each key validated as an ``IPNet`` and each value as ``V``; dumped as CIDR -> value."""
        from typing import get_args

        from pydantic_core import core_schema as cs

        args = get_args(source)
        as_dict = cs.dict_schema(handler.generate_schema(IPNet), handler.generate_schema(args[0]) if args else cs.any_schema())

        def items(value: Any) -> Any:
            return dict(value.items()) if isinstance(value, PrefixMap) else value

        def build(value: dict[IPNet, Any]) -> PrefixMap[Any]:
            return cls(value)

        def dump(m: PrefixMap[Any], serialize: Any, info: Any) -> Any:
            return serialize(dict(m.items())) if info.mode_is_json() else m  # model_dump() keeps the map

        return cs.no_info_before_validator_function(
            items,
            cs.no_info_after_validator_function(build, as_dict),
            serialization=cs.wrap_serializer_function_ser_schema(dump, schema=as_dict, info_arg=True),
        )

    def __repr__(self) -> str:
        body = ", ".join(f"{str(net)!r}: {value!r}" for net, value in _Items(self))
        return f"{type(self).__name__}({{{body}}})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keys travel as text and come back through the strict parser: crafted pickle data
        # cannot smuggle in an invalid network.
        return (_restore, (type(self), [(str(net), value) for net, value in _Items(self)]))

    # -- longest-prefix match ------------------------------------------------------------------
    @overload
    def longest(self, x: Any) -> tuple[IPNet, V]: ...
    @overload
    def longest(self, x: Any, default: D) -> tuple[IPNet, V] | D: ...

    def longest(self, x: Any, default: Any = _MISSING) -> Any:
        """``(IPNet, value)`` of the most specific prefix holding ``x`` (an ``IP``, ``IPNet`` or
        string); ``KeyError`` when none does, or ``default`` if given."""
        # Hot path first and inline: an IPv4 string or IP is one slot, and at most two table cells.
        if x.__class__ is str:
            if len(x) > 15:  # longer than any dotted quad
                return self._longest_text(x, default)
            try:
                b = _pton(_AF4, x)  # exactly the strict dotted quads, as ipaddress
            except (OSError, ValueError):  # a short IPv6 address, a CIDR, junk
                return self._longest_text(x, default)
            # the slot's entry, its /24's cell: the answer's position in the entry (read off the bytes:
            # no int is made unless the /24 is cut by longer prefixes)
            f = self._fast[b[0] << 8 | b[1]]
            f = f[f[0][b[2]]]
            if f.__class__ is tuple:
                return f
            if f is not False:  # a /24 cut by longer prefixes, or a stale slot
                f = self._longest4_rest(f, _from_bytes(b))
        elif x.__class__ is IP:
            if x._ver == 6:
                return self._longest6(x._int, x, default)
            k = x._int
            f = self._fast[k >> 16]
            f = f[f[0][k >> 8 & 0xFF]]
            if f.__class__ is tuple:
                return f
            if f is not False:
                f = self._longest4_rest(f, k)
        else:
            return self._longest_net(x, default)
        if f:
            return f
        if default is _MISSING:
            raise KeyError(x)
        return default

    def _longest6(self, k: int, x: Any, default: Any) -> Any:
        if self._pending is not None:
            self._ready()
        for shift, buckets in self._probe6:
            bucket = buckets.get(k >> shift)
            if bucket is not None:
                n = (len(bucket) - 1) >> 1
                label = bucket[n + bisect_right(bucket, k, 1, n + 1) - 1]
                if label is None:
                    label = bucket[0]
                    if label is None:
                        break
                return self._pair(label)
        if default is _MISSING:
            raise KeyError(x)
        return default

    def _longest_text(self, x: str, default: Any) -> Any:
        """``longest`` of a string that is no dotted quad: IPv6 text inline, the rest through ``IP`` / ``IPNet``."""
        if len(x) <= MAX_TEXT and ":" in x:  # (a huge string goes to IP, which refuses it unread)
            try:
                return self._longest6(_from_bytes(_pton(_AF6, x)), x, default)
            except (OSError, ValueError):
                pass
        return self._longest_slow(x, default)

    def _longest_slow(self, x: str, default: Any) -> Any:
        if "/" in x:
            return self._longest_net(x, default)
        ip = IP(x)  # every form ipaddress takes (zones play no part in matching), or AddressError
        return self.longest(ip if ip._zone is None else ip.with_zone(None), default)

    def _longest_net(self, x: Any, default: Any) -> Any:
        ver, k, plen = _target(x)
        for pair in self._covering(ver, k, plen):
            return pair
        if default is _MISSING:
            raise KeyError(x)
        return default

    def _covering(self, ver: int, k: int, plen: int) -> Iterator[tuple[IPNet, V]]:
        exact, base, masks = self._exact, _BASE[ver], _NETMASK[ver]
        for p in self._lengths(ver):
            if p <= plen:
                code = ((k & masks[p]) + base) << 8 | p
                if code in exact:
                    yield self._pair(code)

    def covering(self, x: Any) -> list[tuple[IPNet, V]]:
        """Every ``(IPNet, value)`` whose prefix holds ``x`` (an address or network), most specific first."""
        return list(self._covering(*_target(x)))

    def covered(self, x: Any) -> list[tuple[IPNet, V]]:
        """Every ``(IPNet, value)`` whose prefix lies inside network ``x`` (itself included), in ``IPNet`` order."""
        ver, k, plen = _target(x)
        base = _BASE[ver]
        start = k & _NETMASK[ver][plen]
        last = (start | ((1 << (_BITS[ver] - plen)) - 1)) + base
        out = []
        for code in self._order.since(((start + base) << 8) | plen):
            if code >> 8 > last:
                break
            out.append(self._pair(code))
        return out

    def _check(self) -> None:
        """Assert the internal invariants (the tests call this after every step)."""
        self._ready()
        assert list(self._order) == sorted(self._exact)
        for ver, lengths in self._desc.items():
            assert lengths == sorted(self._lens[ver], reverse=True)
        assert sum(self._lens[4].values()) == sum(1 for c in self._exact if c < _V6_CODE)
        assert sum(self._lens[6].values()) == sum(1 for c in self._exact if c >= _V6_CODE)
        for code, (net, value) in self._pairs.items():  # the pairs made so far are current
            assert _code(net) == code and (value is self._exact[code] or value == self._exact[code])
        buckets: list[tuple[int, Bucket, int | None]] = []  # (first key, bucket, expected fallback)
        if self._top is not None:
            expected: list[Any] = [None] * (1 << _TOP)  # the slots' answers, written afresh
            for code in self._order:
                if code < _V6_CODE and code & 0xFF <= _TOP:
                    lo, n = code >> 8 >> (32 - _TOP), 1 << (_TOP - (code & 0xFF))
                    expected[lo:lo + n] = [code] * n
            assert isinstance(self._fast, list)
            for b, e in enumerate(self._top):
                f = self._fast[b]  # the lookup entries are current: stale, or as they would be made now
                assert f is _STALE or f == self._entry(b), (b, f)
                if e.__class__ is list:
                    buckets.append((b << 16, self._swept(b), expected[b]))
                else:
                    assert e == expected[b], (b, e, expected[b])
        for band, group in enumerate(self._bands):
            for bkey, bucket in group.items():
                first = bkey << (128 - band * _STRIDE)
                buckets.append((first, bucket, self._parent(6, first, band * _STRIDE + 1) if band else None))
        for first, bucket, best in buckets:
            n = (len(bucket) - 1) >> 1
            assert len(bucket) == 2 * n + 1
            fallback, starts, vals = bucket[0], bucket[1:n + 1], bucket[n + 1:]
            assert starts[0] == first
            assert starts == sorted(set(starts)) and len(starts) == len(vals)
            assert not (len(starts) == 1 and vals[0] is None), "empty bucket kept"
            for t in range(1, len(vals)):
                assert vals[t] != vals[t - 1], "adjacent intervals with one label"
            assert fallback == best, (fallback, best)


def _buckets(group: list[int], bits: int, shift: int, base: int) -> dict[int, Bucket]:
    """The buckets (aligned blocks of ``bits - shift`` bits) of one group of sorted codes, by a
    stack sweep: each interval is labelled with the code of the most specific open prefix."""
    out: dict[int, Bucket] = {}
    cur = -1
    starts: list[int] = []
    vals: list[Any] = []
    ends: list[int] = []  # last address of each open prefix (a stack) ...
    opens: list[int] = []  # ... and its code
    for code in group:
        start = (code >> 8) - base
        if start >> shift != cur:
            if cur >= 0:
                _close(starts, vals, ends, opens, 1 << bits, (cur + 1) << shift)
            cur = start >> shift
            starts = [cur << shift]
            vals = [None]
            out[cur] = [starts, vals, None]
        if ends and ends[-1] < start:
            _close(starts, vals, ends, opens, start, (cur + 1) << shift)
        if starts[-1] == start:
            vals[-1] = code
        else:
            starts.append(start)
            vals.append(code)
        ends.append(start | ((1 << (bits - (code & 0xFF))) - 1))
        opens.append(code)
    if cur >= 0:
        _close(starts, vals, ends, opens, 1 << bits, (cur + 1) << shift)
    return {key: [None, *parts[0], *parts[1]] for key, parts in out.items()}  # the flat layout


class _Items(ItemsView[IPNet, V]):
    """``PrefixMap.items()``: a live view yielding the ``(IPNet, value)`` pairs in order."""

    __slots__ = ()
    _mapping: PrefixMap[V]

    def __iter__(self) -> Iterator[tuple[IPNet, V]]:
        m = self._mapping
        version, pair = m._version, m._pair
        for code in m._order:
            if m._version != version:
                raise RuntimeError("PrefixMap changed size during iteration")
            yield pair(code)


def _close(starts: list[int], vals: list[Any], ends: list[int], opens: list[int], before: int, bend: int) -> None:
    """Close the open prefixes of a sweep that end before ``before``, each handing the rest of
    its span to the prefix around it (up to the bucket's end ``bend``)."""
    while ends and ends[-1] < before:
        end = ends.pop() + 1
        opens.pop()
        if end < bend:
            label = opens[-1] if opens else None
            if starts[-1] == end:
                vals[-1] = label
            else:
                starts.append(end)
                vals.append(label)


def _parse(pairs: Iterable[Any]) -> dict[int, Any]:
    """``code -> value`` of many ``(network, value)`` pairs (later pairs win, as in a dict).
    A canonical ``"a.b.c.d/len"`` string takes IPNet's own inline checks (``inet_pton``, the
    prefix-length table, host bits) without making the IPNet; anything else is ``IPNet(key)``.
    (``_code``'s fast path, inline: a call a prefix would cost the bulk build ~8%.)"""
    out: dict[int, Any] = {}
    pton, from_bytes, prefixes, af4 = _pton, _from_bytes, _CIDR4, _AF4
    for item in pairs:
        try:
            key, value = item
        except (TypeError, ValueError):
            raise TypeError(f"PrefixMap items must be (network, value) pairs, not {shorten(item)}") from None
        if key.__class__ is str and len(key) <= MAX_TEXT:
            addr, _, ptext = key.partition("/")
            try:
                i = from_bytes(pton(af4, addr))
                plen, host = prefixes[ptext]
            except (OSError, ValueError, KeyError):
                pass
            else:
                if not i & host:  # else: host bits (IPNet raises the error)
                    out[i << 8 | plen] = value
                    continue
        out[_code(key)] = value
    return out


def _net_of(key: Any) -> IPNet:
    if isinstance(key, IPInterface):
        raise TypeError(f"a PrefixMap key is a network, not the interface {str(key)!r} (use its .network)")
    return IPNet(key)


def _code(key: Any) -> int:
    """The code of one key (``m[key]``, ``key in m``, ``del m[key]``): a canonical ``"a.b.c.d/len"``
    string as in ``_parse`` (a third of the time ``IPNet(key)`` takes), anything else through ``IPNet``."""
    if key.__class__ is str and len(key) <= MAX_TEXT:
        addr, _, ptext = key.partition("/")
        try:
            i = _from_bytes(_pton(_AF4, addr))
            plen, host = _CIDR4[ptext]
        except (OSError, ValueError, KeyError):
            pass
        else:
            if not i & host:  # else: host bits (IPNet raises the error)
                return i << 8 | plen
    net = key if type(key) is IPNet else _net_of(key)
    return ((net._int + _BASE[net._ver]) << 8) | net._plen


def _target(x: Any) -> tuple[int, int, int]:
    """``(version, int, prefixlen)`` of an address or network to match (zones play no part)."""
    if type(x) is IP:
        return x._ver, x._int, _BITS[x._ver]
    if type(x) is IPNet:
        return x._ver, x._int, x._plen
    if isinstance(x, str):
        if len(x) <= MAX_TEXT and "/" in x:  # (a huge string goes to IP, which refuses it unread)
            net = IPNet(x)
            return net._ver, net._int, net._plen
        ip = IP(x)
        return ip._ver, ip._int, _BITS[ip._ver]
    if isinstance(x, IP):
        return x._ver, x._int, _BITS[x._ver]
    if isinstance(x, IPInterface):
        return x.version, int(x.ip), _BITS[x.version]
    try:
        net = IPNet(x)
    except TypeError:
        raise TypeError(f"PrefixMap lookups take an IP, IPNet or string, not {type(x).__name__}") from None
    return net._ver, net._int, net._plen


def _restore(cls: type[PrefixMap[Any]], items: list[tuple[str, Any]]) -> PrefixMap[Any]:
    """Unpickle a ``PrefixMap``: every key is parsed again (strictly)."""
    if not isinstance(items, list) or not all(isinstance(i, tuple) and len(i) == 2 and type(i[0]) is str for i in items):
        raise NetworkError(f"invalid PrefixMap pickle data {shorten(items)}")
    return cls(items)



def _json_value(m: PrefixMap[Any]) -> dict[str, Any]:
    return {str(net): value for net, value in m.items()}


# JSON through netx.json (orjson, stdlib json, msgspec's enc_hook): an object of CIDR -> value.
# pydantic reads the class's own hook above (it is generic in the value type).
PrefixMap.__netx__ = TypeDesc(  # type: ignore[attr-defined]
    cls=PrefixMap, name="prefix map", code="prefix_map", error=NetworkError,
    accepts="a mapping or (network, value) pairs",
    from_python=PrefixMap, to_json_value=_json_value, from_json_value=PrefixMap,
    json_schema={"type": "object", "description": "Networks (CIDR) -> values, e.g. {\"10.0.0.0/8\": \"corp\"}"},
    json_input="object",
)
