"""PostgreSQL-only objects of the store: the sharded counters and the one-statement allocation function.

``allocate()`` on a ``lowest`` or ``random`` address pool is one call of ``netx_take``
in its own (autocommit) transaction: one round trip, one commit, no pool-wide lock.

* The pool's row is only share-locked (``FOR KEY SHARE``, what the foreign keys take
  anyway): any number of these calls run at once, while a call on the general path
  (``FOR UPDATE`` on the same row: releases, ``allocate(ip=)``, ``allocate_many``,
  ``round_robin``, pool deletion) waits for them and they wait for it.
* The free interval to take from is locked ``FOR UPDATE SKIP LOCKED``: concurrent
  calls take from different intervals instead of queueing on one. ``lowest`` takes the
  first key of the first interval no other call holds; an interval reaching past the
  aligned block of ``BLOCK`` keys holding that key is split after the block as it is
  taken from, so the free space at the low end is cut into independently lockable rows
  as concurrency needs them (Calico's blocks, made lazily). When every interval is held,
  the call waits for the first one. ``random`` gets the caller's uniform draws (the ones
  the general algorithm would make, in order) and takes the first that is free and in an
  interval no other call holds; when none is, the caller runs the general algorithm.
* The allocation count is kept in ``counts`` rows (one per concurrent writer, picked
  with a non-blocking transaction-scoped advisory lock: memory only, no WAL), added to
  ``pools.allocated``, instead of one hot counter.

A call alone gets exactly what the general algorithm would hand out: the lowest free
key (``lowest``), or the first free one of its random draws (``random``). Under
concurrency a call skips intervals other calls hold at that moment.
"""

from __future__ import annotations

__all__ = ["BLOCK", "FAST_VERSION", "fast_sql", "TAKE", "PROC", "lowest_sql", "draw_sql"]

BLOCK = 16
"""Keys per aligned block the free intervals are split into where allocations happen (a power of two <= 256)."""
AHEAD = 7
"""Blocks more that ``lowest`` splits off at once, so concurrent callers find that many unheld intervals."""

FAST_VERSION = "netx fast path 4"
"""Version of the objects below, the comment on ``netx_take``; a different one is (re)created on open."""

SHARDS = 64
"""Counter rows per pool at most (one per concurrent writer)."""
LOCK_SPACE = 0x6E657478
"""First key of the advisory locks that pick a counter row (``'netx'``); the second is pool id * SHARDS + row."""

TAKE = "SELECT k, used FROM {s}.netx_take(%s, %s, %s, %s, %s)"
"""The fast path's one statement: (pool id, owner, family low key, family high key, random draws) -> (key, draws used)."""
PROC = "{s}.netx_take(bigint, text, bytea, bytea, bytea[])"
"""The function's signature (its comment records ``FAST_VERSION``)."""


def _counted(s: str) -> str:
    """The CTE counting the allocation in the first free counter row (eight advisory tries, then a random row)."""
    tries = " ".join(
        f"WHEN pg_try_advisory_xact_lock({LOCK_SPACE}, (%(pool)s %% 33554432)::int * {SHARDS} + {i}) THEN {i}"
        for i in range(8)
    )
    # a plain UPDATE of the row when it exists (the usual case: rows are made once and kept); INSERT ... ON
    # CONFLICT only for a new row, as it locks the row it finds (one more WAL record) before updating it
    return f"""shard AS (SELECT CASE {tries} ELSE 8 + floor(random() * {SHARDS - 8})::int END AS i FROM done),
    bumped AS (UPDATE {s}.counts c SET n = c.n + 1 FROM shard WHERE c.pool = %(pool)s AND c.shard = shard.i
               RETURNING 1),
    counted AS (INSERT INTO {s}.counts AS c (pool, shard, n)
                SELECT %(pool)s, i, 1 FROM shard WHERE NOT EXISTS (SELECT 1 FROM bumped)
                ON CONFLICT (pool, shard) DO UPDATE SET n = c.n + 1)"""


# The statement's snapshot predates the locks it waits for: a row changed meanwhile is locked at its
# latest version (r), but an UPDATE / DELETE finds it through the snapshot's version, by its key `hi`.
# Everything after the free interval's change therefore reads `done`, the row that change returned:
# when the change found nothing (the row's `hi` moved meanwhile), nothing happens and the caller
# falls back to netx_take, whose statements each take a fresh snapshot.
_DONE = "done AS (SELECT 1 AS ok FROM gone UNION ALL SELECT 1 FROM kept LIMIT 1)"
_POOL = "WITH pool AS (SELECT id FROM {s}.pools WHERE id = %(pool)s FOR KEY SHARE)"


# lo + 1 where lo < b1 (the last key of lo's aligned block): lo's last byte is below 255, so no carry
_NEXT = "set_byte(r.lo, 16, get_byte(r.lo, 16) + 1)"


def lowest_sql(s: str) -> str:
    """``lowest``'s common case as one plain statement (no PL/pgSQL): take the first key of the first free
    interval no concurrent call holds, split the interval after its block, count it, record it; the new key,
    or no row (everything held, nothing free, no such pool: then ``TAKE`` decides, waiting if it must)."""
    return f"""{_POOL.format(s=s)},
    f AS (SELECT f.lo, f.hi, set_byte(f.lo, 16, get_byte(f.lo, 16) | {BLOCK - 1}) AS b1 FROM {s}.free f
          WHERE f.pool = (SELECT id FROM pool) AND f.hi >= %(lo)s AND f.hi <= %(hi)s
          ORDER BY f.hi LIMIT 1 FOR UPDATE SKIP LOCKED),
    -- m: how many whole blocks after the taken key's block also become intervals of their own (0 when the
    -- interval ends inside that block, the usual case; each netx_add is a PL/pgSQL call, so the common cases need
    -- none or one)
    r AS (SELECT lo, hi, b1, CASE WHEN hi <= b1 THEN 0 WHEN {s}.netx_add(b1, {BLOCK * AHEAD}) < hi THEN {AHEAD}
                                  ELSE (SELECT count(*)::int FROM generate_series(1, {AHEAD - 1}) AS i
                                        WHERE {s}.netx_add(b1, {BLOCK} * i) < hi) END AS m FROM f
          -- the row as this statement's snapshot sees it: changed since (a concurrent call took from it and
          -- split blocks off that this snapshot cannot see), nothing happens and TAKE looks afresh
          WHERE f.lo = (SELECT v.lo FROM {s}.free v WHERE v.pool = %(pool)s AND v.hi = f.hi)),
    gone AS (DELETE FROM {s}.free f USING r WHERE f.pool = %(pool)s AND f.hi = r.hi AND r.lo = r.hi RETURNING 1),
    kept AS (UPDATE {s}.free f
             SET lo = CASE WHEN r.hi <= r.b1 THEN {_NEXT} ELSE {s}.netx_add(r.b1, {BLOCK} * r.m + 1) END
             FROM r WHERE f.pool = %(pool)s AND f.hi = r.hi AND r.lo < r.hi RETURNING 1),
    {_DONE},
    block AS (INSERT INTO {s}.free (pool, lo, hi)
              SELECT %(pool)s, {_NEXT}, r.b1 FROM r, done WHERE r.hi > r.b1 AND r.lo < r.b1
              UNION ALL
              SELECT %(pool)s, {s}.netx_add(r.b1, {BLOCK} * (i - 1) + 1), {s}.netx_add(r.b1, {BLOCK} * i)
              FROM r, done, generate_series(1, r.m) AS i WHERE r.hi > r.b1),
    {_counted(s)},
    taken AS (INSERT INTO {s}.allocations (pool, key, address, owner)
              SELECT %(pool)s, r.lo, {s}.netx_inet(r.lo), %(owner)s FROM r, done RETURNING key)
    SELECT key FROM taken"""


def draw_sql(s: str) -> str:
    """``random``'s common case as one plain statement: take the first draw ``%(d)s`` if it is free and its
    interval is not held by a concurrent call; the key, or no row (then ``TAKE`` tries every draw)."""
    return f"""{_POOL.format(s=s)},
    f AS (SELECT f.lo, f.hi FROM {s}.free f WHERE f.pool = (SELECT id FROM pool) AND f.hi >= %(d)s
          ORDER BY f.hi LIMIT 1 FOR UPDATE SKIP LOCKED),
    r AS (SELECT lo, hi, %(d)s::bytea AS k FROM f WHERE lo <= %(d)s),
    gone AS (DELETE FROM {s}.free f USING r WHERE f.pool = %(pool)s AND f.hi = r.hi AND r.lo = r.hi RETURNING 1),
    right_part AS (UPDATE {s}.free f SET lo = {s}.netx_succ(r.k)
                   FROM r WHERE f.pool = %(pool)s AND f.hi = r.hi AND r.k < r.hi RETURNING 1),
    left_only AS (UPDATE {s}.free f SET hi = {s}.netx_pred(r.k)
                  FROM r WHERE f.pool = %(pool)s AND f.hi = r.hi AND r.k = r.hi AND r.lo < r.k RETURNING 1),
    kept AS (SELECT 1 FROM right_part UNION ALL SELECT 1 FROM left_only),
    {_DONE},
    left_part AS (INSERT INTO {s}.free (pool, lo, hi)
                  SELECT %(pool)s, r.lo, {s}.netx_pred(r.k) FROM r, done WHERE r.lo < r.k AND r.k < r.hi),
    {_counted(s)},
    taken AS (INSERT INTO {s}.allocations (pool, key, address, owner)
              SELECT %(pool)s, r.k, {s}.netx_inet(r.k), %(owner)s FROM r, done RETURNING key)
    SELECT key FROM taken"""


def fast_sql(s: str) -> list[str]:
    """DDL of the counters table and the functions, in schema ``s`` (a quoted identifier)."""
    return [
        f"""CREATE TABLE IF NOT EXISTS {s}.counts (
            pool  bigint NOT NULL REFERENCES {s}.pools (id) ON DELETE CASCADE,
            shard int NOT NULL,
            n     bigint NOT NULL,
            PRIMARY KEY (pool, shard)) WITH (fillfactor = 50)""",
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
        f"""CREATE OR REPLACE FUNCTION {s}.netx_inet(k bytea) RETURNS inet LANGUAGE sql IMMUTABLE STRICT AS $f$
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
          attempt int := 0;
          v_shard int;
        BEGIN
          used := 0;
          PERFORM 1 FROM {s}.pools WHERE id = p_pool FOR KEY SHARE;
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
              -- every free interval is held by a concurrent call (or none is left): wait for the first
              SELECT f.lo, f.hi INTO r FROM {s}.free f
                WHERE f.pool = p_pool AND f.hi >= p_lo AND f.hi <= p_hi ORDER BY f.hi LIMIT 1 FOR UPDATE;
              EXIT WHEN FOUND;
              PERFORM 1 FROM {s}.free f WHERE f.pool = p_pool AND f.hi >= p_lo AND f.hi <= p_hi LIMIT 1;
              IF NOT FOUND THEN
                RETURN;  -- nothing free: k is NULL
              END IF;
              IF attempt >= 32 THEN
                RAISE EXCEPTION 'netx: free intervals kept changing under concurrent calls' USING ERRCODE = '40001';
              END IF;
            END LOOP;
            k := r.lo;
            -- what stays free: the interval minus k, cut after the aligned block holding k
            b1 := set_byte(k, 16, get_byte(k, 16) | {BLOCK - 1});
            IF k < least(r.hi, b1) THEN pieces := ARRAY[{s}.netx_succ(k), least(r.hi, b1)]; END IF;
            IF b1 < r.hi THEN pieces := pieces || ARRAY[{s}.netx_succ(b1), r.hi]; END IF;
          END IF;
          npieces := coalesce(array_length(pieces, 1), 0) / 2;
          IF npieces = 0 THEN
            DELETE FROM {s}.free WHERE pool = p_pool AND hi = r.hi;
          ELSE
            UPDATE {s}.free SET lo = pieces[2 * npieces - 1], hi = pieces[2 * npieces] WHERE pool = p_pool AND hi = r.hi;
            IF npieces > 1 THEN
              INSERT INTO {s}.free (pool, lo, hi) VALUES (p_pool, pieces[1], pieces[2]);
            END IF;
          END IF;
          -- count it in the first counter row no concurrent call holds (an in-memory advisory lock picks it)
          v_shard := 0;
          WHILE v_shard < {SHARDS - 1}
            AND NOT pg_try_advisory_xact_lock({LOCK_SPACE}, (p_pool % 33554432)::int * {SHARDS} + v_shard)
          LOOP
            v_shard := v_shard + 1;
          END LOOP;
          UPDATE {s}.counts SET n = n + 1 WHERE pool = p_pool AND shard = v_shard;
          IF NOT FOUND THEN
            INSERT INTO {s}.counts AS c (pool, shard, n) VALUES (p_pool, v_shard, 1)
              ON CONFLICT (pool, shard) DO UPDATE SET n = c.n + 1;
          END IF;
          INSERT INTO {s}.allocations (pool, key, address, owner) VALUES (p_pool, k, {s}.netx_inet(k), p_owner);
        END $f$""",
    ]
