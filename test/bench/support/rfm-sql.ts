/**
 * RFM scores, cells and lifecycle stages in DuckDB SQL, written from shared/domain/segments/README.md
 * and not from the engine's code, so the bench and the integration test check the engine against an
 * independent reading of the same rules (default thresholds).
 *
 * Input: a table `buyers_in(id VARCHAR, paid INTEGER, spend BIGINT, first_ms BIGINT, last_ms BIGINT)`
 * of every customer (paid = 0 and null times for those who never bought). Output columns:
 * id, r, f, m, cell, gold, stage (r, f, m, cell null for non-buyers).
 */
export function rfmLifecycleSql(nowMs: number): string {
  const day = '86400000::DOUBLE';
  return `
WITH buyers AS (SELECT * FROM buyers_in WHERE paid > 0),
n AS (SELECT count(*) AS n FROM buyers),
ranked AS (
  SELECT id,
    1 + (5 * (rank() OVER (ORDER BY last_ms) - 1)) // n AS r,
    1 + (5 * (rank() OVER (ORDER BY paid) - 1)) // n AS f,
    1 + (5 * (rank() OVER (ORDER BY spend) - 1)) // n AS m,
    5 * (rank() OVER (ORDER BY spend DESC) - 1) < n AS gold
  FROM buyers, n
),
rhythms AS (
  SELECT list_sort(list((last_ms - first_ms)::DOUBLE / ${day} / (paid - 1)::DOUBLE)) AS ds
  FROM buyers_in WHERE paid >= 2
),
shop AS (
  SELECT CASE
    WHEN len(ds) = 0 OR ds IS NULL THEN 30::DOUBLE
    WHEN len(ds) % 2 = 1 THEN ds[len(ds) // 2 + 1]
    ELSE (ds[len(ds) // 2] + ds[len(ds) // 2 + 1]) / 2
  END AS interval FROM rhythms
),
timed AS (
  SELECT c.*, ranked.r, ranked.f, ranked.m, ranked.gold,
    (ranked.f + ranked.m + 1) // 2 AS fm,
    (${nowMs}::BIGINT - c.last_ms)::DOUBLE / ${day} AS since_last,
    (${nowMs}::BIGINT - c.first_ms)::DOUBLE / ${day} AS since_first,
    CASE WHEN c.paid >= 3 THEN (c.last_ms - c.first_ms)::DOUBLE / ${day} / (c.paid - 1)::DOUBLE
      ELSE shop.interval END AS base
  FROM buyers_in c
  LEFT JOIN ranked USING (id)
  CROSS JOIN shop
)
SELECT id, r, f, m, coalesce(gold, false) AS gold,
  CASE
    WHEN r IS NULL THEN NULL
    WHEN fm >= 4 AND r = 5 THEN 'champions'
    WHEN fm >= 4 AND r >= 3 THEN 'loyal'
    WHEN fm = 5 THEN 'cant-lose-them'
    WHEN fm = 4 THEN 'at-risk'
    WHEN fm = 3 AND r >= 4 THEN 'potential-loyalists'
    WHEN fm = 3 AND r = 3 THEN 'need-attention'
    WHEN fm = 3 THEN 'at-risk'
    WHEN fm = 2 AND r >= 4 THEN 'potential-loyalists'
    WHEN fm = 2 AND r = 3 THEN 'about-to-sleep'
    WHEN fm = 2 THEN 'hibernating'
    WHEN r = 5 THEN 'new'
    WHEN r = 4 THEN 'promising'
    WHEN r = 3 THEN 'about-to-sleep'
    WHEN r = 2 THEN 'hibernating'
    ELSE 'lost'
  END AS cell,
  CASE
    WHEN paid = 0 THEN 'new'
    WHEN since_first <= 30 THEN 'honeymoon'
    WHEN since_last > greatest(120, 8 * base) THEN 'lost'
    WHEN since_last > greatest(60, 4 * base) THEN 'dormant'
    WHEN since_last > greatest(30, 2 * base) OR paid = 1 THEN 'at-risk'
    WHEN paid >= 4 THEN 'loyal'
    ELSE 'repeat'
  END AS stage
FROM timed`;
}
