"""PostgreSQL-only objects of the store: the one-statement allocation and its fallback function.

``allocate()`` on a ``lowest`` or ``random`` address pool is one plain statement in its own
(autocommit) transaction: one round trip, one commit, no pool-wide row lock, no counter.

* The pool is held through its advisory lock (``POOL_LOCK``, in memory only: no WAL, no
  MultiXact), taken *shared*: any number of these calls run at once, while a call on the
  general path (releases, ``allocate(ip=)``, ``allocate_many``, ``round_robin``, pool
  deletion) takes it *exclusively* (with the pool's row, ``FOR UPDATE``), so it waits for
  the calls in flight and they wait for it. The rows have no foreign keys to ``pools``
  (their checks would share-lock the pool's row on every insert); deletion holds the
  exclusive lock and deletes them itself, so no row can outlive its pool.
* The free interval to take from is locked ``FOR UPDATE SKIP LOCKED``: concurrent calls
  take from different intervals instead of queueing on one. ``lowest`` takes the first key
  of the first interval no other call holds; the statement handles an interval inside one
  aligned block of ``BLOCK`` keys (update its ``lo``, or delete it when that was its last
  key). A larger interval goes to ``netx_take``, which splits it after the block holding
  the key and after each of the next ``AHEAD`` blocks, so the free space at the low end is
  cut into independently lockable rows as allocations happen (Calico's blocks, made
  lazily). ``random`` gets the caller's first uniform draw (with its neighbours and its
  address, computed by the caller) and takes it when it lies strictly inside an interval no
  other call holds (the right part keeps the row, the left part is inserted); otherwise
  ``netx_take`` tries every draw the general algorithm would make, in order, and when none
  is free and unheld the caller runs the general algorithm.
* Nothing is counted: ``stats()`` counts the pool's allocation rows (``postgres.PgState``).
* ``SubnetPool.allocate(prefixlen)`` is one call of ``netx_carve``, the general algorithm
  (``SubnetPool._lowest_block``: the first free interval of the first parent that holds an
  aligned block, then carve it) in PL/pgSQL, under the general path's exclusive advisory
  lock (and the pool's row, locked by the update of its key count, skipped only while every
  allocation is one key): subnet pools stay serial, in one round trip instead of seven.

A call alone gets exactly what the general algorithm would hand out: the lowest free key
(``lowest``), or the first free one of its random draws (``random``). Under concurrency a
call skips intervals other calls hold at that moment.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

__all__ = [
    "BLOCK", "FAST_VERSION", "fast_sql", "TAKE", "CARVE", "PROC", "lowest_sql", "draw_sql", "Prepared", "prepared",
    "LOWEST_PARAMS", "DRAW_PARAMS", "TAKE_PARAMS", "CARVE_PARAMS", "bytea_array",
]

BLOCK = 16
"""Keys per aligned block the free intervals are split into where allocations happen (a power of two <= 256)."""
AHEAD = 15
"""Blocks more that ``lowest`` splits off at once, so concurrent callers find that many unheld intervals."""

FAST_VERSION = "netx fast path 10"
"""Version of the objects below, the comment on ``netx_take``; a different one is (re)created on open."""

POOL_LOCK = 0x6E657470
"""First key of a pool's advisory lock (``'netp'``): shared by ``allocate()`` calls, exclusive for the others."""
POOL_MOD = 2147483647
"""The lock's second key is pool id modulo this (pools that share one only wait for each other more)."""

TAKE = "SELECT k, used FROM {s}.netx_take(%(pool)s, %(owner)s, %(lo)s, %(hi)s, %(draws)s)"
"""The fast path's one statement: (pool id, owner, family low key, family high key, random draws) -> (key, draws used)."""
PROC = "{s}.netx_take(bigint, text, bytea, bytea, bytea[])"
"""The function's signature (its comment records ``FAST_VERSION``)."""
CARVE = "SELECT {s}.netx_carve(%(pool)s, %(owner)s, %(size)s, %(plen)s, %(los)s, %(his)s)"
"""``SubnetPool.allocate(prefixlen)`` as one statement: (pool id, owner, block size, prefix length, parents' first
keys, their last keys) -> the block's first key, or NULL when no parent has a free aligned block that big."""


# The statement's snapshot predates the locks it takes: a free row changed meanwhile is locked at its latest
# version (the values `f` returns), while an UPDATE / DELETE finds the row through the snapshot by its key `hi`
# and then acts on the latest version. So a row whose `hi` changed meanwhile is not found (nothing happens and
# the caller runs netx_take, whose statements each see afresh), and one whose `lo` alone changed is updated from
# the values `f` locked. Either way the key taken is free at commit: that row is locked until then.
# netx_take's lowest split keeps the first piece in the row it splits, so a row locked at its latest version
# is never past free rows (the pieces split off) that the snapshot cannot see.
def _pool_lock(s: str) -> str:
    """The CTE taking the pool's shared advisory lock, first (the free rows are scanned after it)."""
    return f"WITH lk AS (SELECT pg_advisory_xact_lock_shared({POOL_LOCK}, (%(pool)s %% {POOL_MOD})::int) AS v)"


def lowest_sql(s: str) -> str:
    """``lowest``'s common case as one plain statement (no PL/pgSQL): take the first key of the first free
    interval no concurrent call holds, when that interval lies inside one aligned block of ``BLOCK`` keys
    (the usual case: ``netx_take`` splits larger ones into blocks); count it, record it. The new key, or no
    row (a larger interval, everything held, nothing free, no such pool: then ``TAKE`` decides)."""
    return f"""{_pool_lock(s)},
    f AS (SELECT f.lo, f.hi FROM {s}.free f
          WHERE f.pool = (SELECT %(pool)s::bigint FROM lk) AND f.hi >= %(lo)s AND f.hi <= %(hi)s
          ORDER BY f.hi LIMIT 1 FOR UPDATE SKIP LOCKED),
    r AS (SELECT lo, hi FROM f WHERE hi <= set_byte(lo, 16, get_byte(lo, 16) | {BLOCK - 1})),
    gone AS (DELETE FROM {s}.free g USING r WHERE g.pool = %(pool)s AND g.hi = r.hi AND r.lo = r.hi
             RETURNING r.lo AS k),
    -- lo < hi inside one block: lo's last byte is below 255, so lo + 1 carries into no other byte
    kept AS (UPDATE {s}.free g SET lo = set_byte(r.lo, 16, get_byte(r.lo, 16) + 1)
             FROM r WHERE g.pool = %(pool)s AND g.hi = r.hi AND r.lo < r.hi RETURNING r.lo AS k),
    done AS (SELECT k FROM kept UNION ALL SELECT k FROM gone),
    taken AS (INSERT INTO {s}.allocations (pool, key, address, owner)
              SELECT %(pool)s, k, {s}.netx_inet(k), %(owner)s FROM done RETURNING key)
    SELECT key FROM taken"""


def draw_sql(s: str) -> str:
    """``random``'s common case as one plain statement: take the draw ``%(d)s`` if it lies strictly inside a
    free interval no concurrent call holds (the caller sends its neighbours ``%(d0)s`` = d - 1, ``%(d1)s`` =
    d + 1 and its address ``%(a)s``: no PL/pgSQL); the key, or no row (then ``TAKE`` tries every draw)."""
    return f"""{_pool_lock(s)},
    f AS (SELECT f.lo, f.hi FROM {s}.free f WHERE f.pool = (SELECT %(pool)s::bigint FROM lk) AND f.hi >= %(d)s
          ORDER BY f.hi LIMIT 1 FOR UPDATE SKIP LOCKED),
    right_part AS (UPDATE {s}.free g SET lo = %(d1)s
                   FROM f WHERE g.pool = %(pool)s AND g.hi = f.hi AND f.lo < %(d)s AND %(d)s < f.hi RETURNING f.lo),
    left_part AS (INSERT INTO {s}.free (pool, lo, hi) SELECT %(pool)s, lo, %(d0)s FROM right_part),
    taken AS (INSERT INTO {s}.allocations (pool, key, address, owner)
              SELECT %(pool)s, %(d)s, %(a)s::inet, %(owner)s FROM right_part RETURNING key)
    SELECT key FROM taken"""


LOWEST_PARAMS = (("pool", "bigint"), ("lo", "bytea"), ("hi", "bytea"), ("owner", "text"))
"""``lowest_sql``'s parameters in the order its prepared form takes them (``prepared``)."""
DRAW_PARAMS = (("pool", "bigint"), ("owner", "text"), ("d", "bytea"), ("d0", "bytea"), ("d1", "bytea"), ("a", "text"))
"""``draw_sql``'s parameters in the order its prepared form takes them."""
TAKE_PARAMS = (("pool", "bigint"), ("owner", "text"), ("lo", "bytea"), ("hi", "bytea"), ("draws", "bytea[]"))
"""``TAKE``'s parameters, in order."""
CARVE_PARAMS = (("pool", "bigint"), ("owner", "text"), ("size", "numeric"), ("plen", "int"), ("los", "bytea[]"),
                ("his", "bytea[]"))
"""``CARVE``'s parameters, in order."""
_OIDS = {"bigint": 20, "bytea": 17, "text": 25, "int": 23, "numeric": 1700, "bytea[]": 1001}
_TEXT = {"numeric"}  # sent as text (its binary form is base-10000 digits); every other type in binary


def bytea_array(items: Sequence[bytes]) -> bytes:
    """A one-dimensional ``bytea[]`` of non-NULL elements in PostgreSQL's binary format."""
    if not items:
        return b"\0\0\0\0\0\0\0\0\0\0\0\x11"  # no dimensions, no NULLs, element type 17
    head = b"\0\0\0\x01\0\0\0\0\0\0\0\x11" + len(items).to_bytes(4, "big") + b"\0\0\0\x01"  # lower bound 1
    return head + b"".join(len(item).to_bytes(4, "big") + item for item in items)


class Prepared(NamedTuple):
    """A statement run by name through libpq's prepared-statement calls (``PostgresStore._prepared``)."""

    name: bytes
    sql: bytes  # $n placeholders
    types: tuple[int, ...]  # the parameters' type OIDs
    formats: tuple[int, ...]  # each parameter's: binary (1) but for numeric (0: text)


def prepared(name: str, sql: str, params: Sequence[tuple[str, str]]) -> Prepared:
    """``sql`` (psycopg's ``%(name)s`` placeholders, ``%%`` for ``%``) as a statement to prepare as ``name``,
    its parameters numbered in the order of ``params`` ((name, type) pairs)."""
    for i, (param, _) in enumerate(params, 1):
        sql = sql.replace(f"%({param})s", f"${i}")
    if "%(" in sql:
        raise AssertionError(f"{name}: a parameter is not in the list: {sql}")
    return Prepared(name.encode(), sql.replace("%%", "%").encode(), tuple(_OIDS[t] for _, t in params),
                    tuple(0 if t in _TEXT else 1 for _, t in params))


def fast_sql(s: str) -> list[str]:
    """DDL of the counters table and the functions, in schema ``s`` (a quoted identifier)."""
    return [
        # key + 1 and key - 1 on 17-byte big-endian keys (never called on the highest / lowest key)
        f"""CREATE OR REPLACE FUNCTION {s}.netx_succ(k bytea) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
        DECLARE i int := 16;
        BEGIN
          WHILE i >= 0 LOOP
            IF get_byte(k, i) < 255 THEN RETURN set_byte(k, i, get_byte(k, i) + 1); END IF;
            k := set_byte(k, i, 0);
            i := i - 1;
          END LOOP;
          RAISE EXCEPTION 'netx_succ: no key after the highest';
        END $f$""",
        f"""CREATE OR REPLACE FUNCTION {s}.netx_add(k bytea, n bigint) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT
        AS $f$
        DECLARE i int := 16; v bigint;
        BEGIN
          WHILE n > 0 AND i >= 0 LOOP
            v := get_byte(k, i) + n;
            k := set_byte(k, i, (v % 256)::int);
            n := v / 256;
            i := i - 1;
          END LOOP;
          RETURN k;
        END $f$""",
        f"""CREATE OR REPLACE FUNCTION {s}.netx_pred(k bytea) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
        DECLARE i int := 16;
        BEGIN
          WHILE i >= 0 LOOP
            IF get_byte(k, i) > 0 THEN RETURN set_byte(k, i, get_byte(k, i) - 1); END IF;
            k := set_byte(k, i, 255);
            i := i - 1;
          END LOOP;
          RAISE EXCEPTION 'netx_pred: no key before 0';
        END $f$""",
        # the address of a key (IPv4 keys are below 2**128; IPv6 keys are 2**128 + the address)
        f"""CREATE OR REPLACE FUNCTION {s}.netx_inet(k bytea) RETURNS inet LANGUAGE sql IMMUTABLE AS $f$
        SELECT CASE WHEN get_byte(k, 0) = 0
          THEN '0.0.0.0'::inet + ((get_byte(k, 13)::bigint << 24) | (get_byte(k, 14) << 16)
                                  | (get_byte(k, 15) << 8) | get_byte(k, 16))
          ELSE regexp_replace(encode(substring(k from 2), 'hex'), '(....)(?!$)', '\\1:', 'g')::inet END
        $f$""",
        f"DROP FUNCTION IF EXISTS {s}.netx_take(bigint, text, bytea, bytea, bytea, boolean)",
        f"""CREATE OR REPLACE FUNCTION {s}.netx_take(
            p_pool bigint, p_owner text, p_lo bytea, p_hi bytea, p_draws bytea[], OUT k bytea, OUT used int)
        LANGUAGE plpgsql AS $f$
        DECLARE
          r record;
          b0 bytea;
          b1 bytea;
          d bytea;
          pieces bytea[] := '{{}}';
          npieces int;
          keep int;
          attempt int := 0;
          nblocks int;
          waited boolean;
        BEGIN
          used := 0;
          PERFORM pg_advisory_xact_lock_shared({POOL_LOCK}, (p_pool % {POOL_MOD})::int);
          PERFORM 1 FROM {s}.pools WHERE id = p_pool;  -- a fresh snapshot: after a deletion that held the lock
          IF NOT FOUND THEN
            RAISE EXCEPTION 'netx: pool % no longer exists', p_pool USING ERRCODE = 'P0002';
          END IF;
          IF cardinality(p_draws) > 0 THEN
            -- random: the first draw that is free and not held by a concurrent call
            FOR i IN 1 .. cardinality(p_draws) LOOP
              d := p_draws[i];
              SELECT f.lo, f.hi INTO r FROM {s}.free f WHERE f.pool = p_pool AND f.hi >= d ORDER BY f.hi LIMIT 1;
              CONTINUE WHEN NOT FOUND OR r.lo > d;
              SELECT f.lo, f.hi INTO r FROM {s}.free f WHERE f.pool = p_pool AND f.hi = r.hi FOR UPDATE SKIP LOCKED;
              CONTINUE WHEN NOT FOUND OR r.lo > d;
              k := d;
              used := i;
              EXIT;
            END LOOP;
            IF k IS NULL THEN
              RETURN;  -- no draw hit: the caller takes the general path
            END IF;
            IF r.lo < k THEN pieces := ARRAY[r.lo, {s}.netx_pred(k)]; END IF;
            IF k < r.hi THEN pieces := pieces || ARRAY[{s}.netx_succ(k), r.hi]; END IF;
          ELSE
            -- lowest: the first free key of the first interval no concurrent call holds
            LOOP
              attempt := attempt + 1;
              SELECT f.lo, f.hi INTO r FROM {s}.free f
                WHERE f.pool = p_pool AND f.hi >= p_lo AND f.hi <= p_hi ORDER BY f.hi LIMIT 1 FOR UPDATE SKIP LOCKED;
              EXIT WHEN FOUND;
              -- every free interval is held by a concurrent call (or none is left): wait for the first, then
              -- look again afresh (the interval waited for may have been split meanwhile: the blocks split off
              -- are visible only to a later statement's snapshot, and come first). The wait is a subtransaction
              -- rolled back at once, so its lock is not kept: held until commit, an interval this call does not
              -- take from would make concurrent calls skip it too and leave more keys behind
              BEGIN
                PERFORM 1 FROM {s}.free f
                  WHERE f.pool = p_pool AND f.hi >= p_lo AND f.hi <= p_hi ORDER BY f.hi LIMIT 1 FOR UPDATE;
                waited := FOUND;
                RAISE SQLSTATE 'NX001';
              EXCEPTION WHEN SQLSTATE 'NX001' THEN
                NULL;
              END;
              IF NOT waited THEN
                PERFORM 1 FROM {s}.free f WHERE f.pool = p_pool AND f.hi >= p_lo AND f.hi <= p_hi LIMIT 1;
                IF NOT FOUND THEN
                  RETURN;  -- nothing free: k is NULL
                END IF;
              END IF;
              IF attempt >= 32 THEN
                RAISE EXCEPTION 'netx: free intervals kept changing under concurrent calls' USING ERRCODE = '40001';
              END IF;
            END LOOP;
            k := r.lo;
            -- what stays free: the interval minus k, cut after the aligned block holding k and after each of
            -- the next AHEAD blocks (so concurrent calls find that many intervals to take from on their own)
            b1 := set_byte(k, 16, get_byte(k, 16) | {BLOCK - 1});
            IF k < least(r.hi, b1) THEN pieces := ARRAY[{s}.netx_succ(k), least(r.hi, b1)]; END IF;
            nblocks := 0;
            WHILE b1 < r.hi LOOP
              b0 := {s}.netx_succ(b1);
              b1 := {s}.netx_add(b1, {BLOCK});
              nblocks := nblocks + 1;
              IF nblocks > {AHEAD} OR b1 >= r.hi THEN
                pieces := pieces || ARRAY[b0, r.hi];
                EXIT;
              END IF;
              pieces := pieces || ARRAY[b0, b1];
            END LOOP;
          END IF;
          npieces := coalesce(array_length(pieces, 1), 0) / 2;
          -- the row keeps one piece, the others are new rows, which a concurrent statement whose snapshot
          -- predates this commit cannot see; it can lock the row, though (at its latest version, when its hi
          -- still matches): so after a lowest split the row keeps the first piece, which such a statement
          -- then takes from instead of past the blocks it cannot see; after a random one, the last piece
          -- (as draw_sql does: its hi is unchanged, the update a HOT one)
          keep := CASE WHEN cardinality(p_draws) > 0 THEN npieces ELSE 1 END;
          IF npieces = 0 THEN
            DELETE FROM {s}.free WHERE pool = p_pool AND hi = r.hi;
          ELSE
            UPDATE {s}.free SET lo = pieces[2 * keep - 1], hi = pieces[2 * keep] WHERE pool = p_pool AND hi = r.hi;
            IF npieces > 1 THEN
              INSERT INTO {s}.free (pool, lo, hi)
                SELECT p_pool, pieces[2 * i - 1], pieces[2 * i] FROM generate_series(1, npieces) AS i WHERE i <> keep;
            END IF;
          END IF;
          INSERT INTO {s}.allocations (pool, key, address, owner) VALUES (p_pool, k, {s}.netx_inet(k), p_owner);
        END $f$""",
        # keys as numbers (17 bytes: up to 2**136) and back, for the subnet arithmetic: three chunks (1 + 8 + 8
        # bytes, each 8-byte one through bigint's two's complement) rather than a loop over the bytes
        f"""CREATE OR REPLACE FUNCTION {s}.netx_num(k bytea) RETURNS numeric LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
        BEGIN
          RETURN get_byte(k, 0) * {1 << 128}::numeric
            + (('x' || encode(substring(k from 2 for 8), 'hex'))::bit(64)::bigint::numeric
               + CASE WHEN get_byte(k, 1) >= 128 THEN {1 << 64} ELSE 0 END) * {1 << 64}::numeric
            + ('x' || encode(substring(k from 10 for 8), 'hex'))::bit(64)::bigint::numeric
            + CASE WHEN get_byte(k, 9) >= 128 THEN {1 << 64} ELSE 0 END;
        END $f$""",
        f"""CREATE OR REPLACE FUNCTION {s}.netx_key(n numeric) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
        DECLARE
          top numeric := div(n, {1 << 128});
          mid numeric := div(mod(n, {1 << 128}), {1 << 64});
          low numeric := mod(n, {1 << 64});
        BEGIN
          IF mid >= {1 << 63} THEN mid := mid - {1 << 64}; END IF;
          IF low >= {1 << 63} THEN low := low - {1 << 64}; END IF;
          RETURN decode(lpad(to_hex(top::int), 2, '0') || lpad(to_hex(mid::bigint), 16, '0')
                        || lpad(to_hex(low::bigint), 16, '0'), 'hex');
        END $f$""",
        # SubnetPool.allocate(prefixlen): SubnetPool._lowest_block and _record, under the general path's locks
        f"""CREATE OR REPLACE FUNCTION {s}.netx_carve(
            p_pool bigint, p_owner text, p_size numeric, p_plen int, p_los bytea[], p_his bytea[]) RETURNS bytea
        LANGUAGE plpgsql AS $f$
        DECLARE
          r record;
          held bytea;
          a numeric;
          b numeric;
          start numeric := NULL;
          k bytea;
          last bytea;
        BEGIN
          -- the general path's locks in its order: the pool's advisory lock (exclusive) here, its row by the
          -- UPDATE of the key count at the end (none while every allocation is one key: the advisory lock alone
          -- excludes the other writers); the row is read after the lock, by a statement of its own (a fresh
          -- snapshot)
          PERFORM pg_advisory_xact_lock({POOL_LOCK}, (p_pool % {POOL_MOD})::int);
          SELECT allocated_keys INTO held FROM {s}.pools WHERE id = p_pool;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'netx: pool % no longer exists', p_pool USING ERRCODE = 'P0002';
          END IF;
          <<parents>>
          FOR i IN 1 .. cardinality(p_los) LOOP
            b := {s}.netx_num(p_his[i]);
            FOR r IN SELECT f.lo, f.hi FROM {s}.free f WHERE f.pool = p_pool AND f.hi >= p_los[i] ORDER BY f.hi LOOP
              EXIT WHEN r.lo > p_his[i];
              a := {s}.netx_num(greatest(r.lo, p_los[i]));
              a := a + mod(p_size - mod(a, p_size), p_size);  -- aligned up to the block size
              IF a + p_size - 1 <= least({s}.netx_num(r.hi), b) THEN
                start := a;
                EXIT parents;
              END IF;
            END LOOP;
          END LOOP;
          IF start IS NULL THEN
            RETURN NULL;
          END IF;
          k := {s}.netx_key(start);
          last := {s}.netx_key(start + p_size - 1);
          -- the interval minus the block: its left part keeps the row (a new hi), its right part is inserted
          IF r.lo < k THEN
            UPDATE {s}.free SET hi = {s}.netx_key(start - 1) WHERE pool = p_pool AND hi = r.hi;
            IF last < r.hi THEN
              INSERT INTO {s}.free (pool, lo, hi) VALUES (p_pool, {s}.netx_key(start + p_size), r.hi);
            END IF;
          ELSIF last < r.hi THEN
            UPDATE {s}.free SET lo = {s}.netx_key(start + p_size) WHERE pool = p_pool AND hi = r.hi;
          ELSE
            DELETE FROM {s}.free WHERE pool = p_pool AND hi = r.hi;
          END IF;
          INSERT INTO {s}.allocations (pool, key, last_key, address, owner)
            VALUES (p_pool, k, CASE WHEN p_size = 1 THEN NULL ELSE last END, set_masklen({s}.netx_inet(k), p_plen),
                    p_owner);
          -- pools.allocated_keys: NULL while every allocation is one key (see postgres.PgState)
          IF held IS NOT NULL THEN
            UPDATE {s}.pools SET allocated_keys = {s}.netx_key({s}.netx_num(held) + p_size) WHERE id = p_pool;
          ELSIF p_size <> 1 THEN
            UPDATE {s}.pools SET allocated_keys = {s}.netx_key(
              (SELECT count(*) FROM {s}.allocations WHERE pool = p_pool) - 1 + p_size) WHERE id = p_pool;
          END IF;
          RETURN k;
        END $f$""",
    ]
