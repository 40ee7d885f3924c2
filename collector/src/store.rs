//! PostgreSQL: the schema (migrations), storing an attempt with its counts in one statement,
//! reading the counters, and recounting from the tables.

use std::time::Duration;

use kepu_quiz::core::ledger::Attempt;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool, Postgres, Row};

/// Counter rows per region: concurrent attempts of one county update different rows.
pub const SHARDS: u32 = 8;

/// Why the database could not do what was asked.
#[derive(Debug)]
pub enum StoreError {
    /// Unreachable, restarting or out of connections: the request may be tried again (503).
    Unavailable(String),
    /// Anything else (500).
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "database unavailable: {e}"),
            StoreError::Failed(e) => write!(f, "database error: {e}"),
        }
    }
}

impl StoreError {
    /// The connection the error came from cannot be trusted again.
    pub fn breaks_connection(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        use sqlx::Error::*;
        match &e {
            Database(db) => {
                let code = db.code().unwrap_or_default();
                // 08: connection exceptions, 57P: shutdown / cannot connect now, 53: out of resources.
                if code.starts_with("08") || code.starts_with("57P") || code.starts_with("53") {
                    StoreError::Unavailable(e.to_string())
                } else {
                    StoreError::Failed(e.to_string())
                }
            }
            Io(_) | Tls(_) | Protocol(_) | PoolTimedOut | PoolClosed | WorkerCrashed => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Failed(e.to_string()),
        }
    }
}

/// A pool that connects when first used, so the collector starts (and answers 503) while the
/// database is down, and reconnects by itself when it comes back.
pub fn pool(url: &str, size: u32) -> Result<PgPool, String> {
    let options: PgConnectOptions = url.parse().map_err(|e| format!("DATABASE_URL: {e}"))?;
    let options = options.disable_statement_logging();
    Ok(PgPoolOptions::new()
        .max_connections(size)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(3))
        // A broken connection is dropped when a statement fails on it (see `release`), so no
        // round trip is spent testing each one before use.
        .test_before_acquire(false)
        .connect_lazy_with(options))
}

/// Runs the migrations, retrying until the database answers.
pub async fn migrate(pool: &PgPool) {
    let mut logged = false;
    loop {
        match sqlx::migrate!("./migrations").run(pool).await {
            Ok(()) => return,
            Err(e) => {
                if !logged {
                    eprintln!("kepu-collector: waiting for the database: {e}");
                    logged = true;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// `'it''s'`: a string literal for DDL, which takes no parameters.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A partition name for a contest id: letters and digits of it, and a digest so that two ids
/// never share one.
fn partition_name(table: &str, contest: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(contest.as_bytes());
    let clean: String =
        contest.chars().filter(|c| c.is_ascii_alphanumeric()).take(30).collect::<String>().to_lowercase();
    format!("{table}_{clean}_{}", crate::receipt::hex(&digest[..4]))
}

/// Gives each served contest its own partitions of `attempts` and `participants`.
pub async fn ensure_partitions(pool: &PgPool, contests: &[String]) -> Result<(), StoreError> {
    for contest in contests {
        for table in ["attempts", "participants"] {
            let name = partition_name(table, contest);
            let exists: bool =
                sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL").bind(&name).fetch_one(pool).await?;
            if exists {
                continue;
            }
            let ddl =
                format!("CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} FOR VALUES IN ({})", literal(contest));
            if let Err(e) = sqlx::query(&ddl).execute(pool).await {
                // Another collector created it at the same moment, or rows of this contest are
                // already in the default partition: they keep working there.
                eprintln!("kepu-collector: partition {name} not created: {e}");
            }
        }
    }
    Ok(())
}

/// The receipt key: the one given, else the one in the database (made by the first collector).
pub async fn receipt_secret(pool: &PgPool) -> Result<Vec<u8>, StoreError> {
    sqlx::query("INSERT INTO receipt_keys (id, secret) VALUES (1, $1) ON CONFLICT DO NOTHING")
        .bind(crate::receipt::random_bytes(32))
        .execute(pool)
        .await?;
    Ok(sqlx::query_scalar("SELECT secret FROM receipt_keys WHERE id = 1").fetch_one(pool).await?)
}

/// The attempt, the participant (when new) and the counter row, in one statement: each either
/// happens with the others or not at all, and an attempt already stored changes nothing.
const STORE: &str = "
WITH a AS (
    INSERT INTO attempts (contest, id, person, region, crowd, started_at, finished_at, bank, answers, score, max_score, correct)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT DO NOTHING
    RETURNING 1
), p AS (
    INSERT INTO participants (contest, person, region, first_attempt)
    SELECT $1, $3, $4, $2 FROM a
    ON CONFLICT DO NOTHING
    RETURNING 1
), c AS (
    INSERT INTO region_counters AS k (contest, region, shard, participants, participations)
    SELECT $1, $4, $13, (SELECT count(*) FROM p), 1 FROM a
    ON CONFLICT (contest, region, shard) DO UPDATE
        SET participants = k.participants + excluded.participants, participations = k.participations + 1
    RETURNING 1
)
SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM c) - 1";

/// The shard of an attempt's counter row (FNV-1a of its id).
fn shard(id: &str) -> i16 {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    (hash % u64::from(SHARDS)) as i16
}

/// A checked attempt as it is stored: plain owned values (the core's `Attempt` shares its
/// question ids through `Rc`, which cannot cross an `await`).
#[derive(Clone, Debug)]
pub struct StoredAttempt {
    pub contest: String,
    pub id: String,
    pub person: String,
    /// `""` for none.
    pub region: String,
    pub crowd: Option<String>,
    pub started_at: i64,
    pub finished_at: i64,
    pub bank: String,
    /// Per question: its place in the bank (two bytes, big-endian) and the chosen options (one byte).
    pub answers: Vec<u8>,
    pub score: i32,
    pub max_score: i32,
    pub correct: i32,
}

impl StoredAttempt {
    pub fn of(attempt: &Attempt, index: &std::collections::HashMap<String, u16>) -> StoredAttempt {
        let mut answers = Vec::with_capacity(attempt.answers.len() * 3);
        for (q, a) in attempt.questions.iter().zip(&attempt.answers) {
            answers.extend_from_slice(&index.get(&**q).copied().unwrap_or(u16::MAX).to_be_bytes());
            answers.push(*a);
        }
        StoredAttempt {
            contest: attempt.contest_id.clone(),
            id: attempt.id.clone(),
            person: attempt.participant_id.clone(),
            region: attempt.region.clone().unwrap_or_default(),
            crowd: attempt.crowd.clone(),
            started_at: attempt.started_at,
            finished_at: attempt.finished_at,
            bank: attempt.bank.clone(),
            answers,
            score: attempt.score as i32,
            max_score: attempt.max_score as i32,
            correct: attempt.correct as i32,
        }
    }
}

/// Stores a checked attempt; `true` when it was new and is now counted, `false` when an
/// attempt with its id was already stored.
pub async fn store(conn: &mut PoolConnection<Postgres>, row: &StoredAttempt) -> Result<bool, StoreError> {
    let stored: i64 = sqlx::query_scalar(STORE)
        .bind(&row.contest)
        .bind(&row.id)
        .bind(&row.person)
        .bind(&row.region)
        .bind(row.crowd.as_deref())
        .bind(row.started_at)
        .bind(row.finished_at)
        .bind(&row.bank)
        .bind(&row.answers)
        .bind(row.score)
        .bind(row.max_score)
        .bind(row.correct)
        .bind(shard(&row.id))
        .fetch_one(&mut **conn)
        .await?;
    match stored {
        1 => Ok(true),
        -1 => Ok(false),
        n => Err(StoreError::Failed(format!("stored {n}: attempt and counter disagree"))),
    }
}

/// A stored region code (`None` for no region), its participants and participations.
pub type RegionCount = (Option<String>, usize, usize);

fn region(code: String) -> Option<String> {
    Some(code).filter(|c| !c.is_empty())
}

/// The counters of a contest summed per stored region code.
pub async fn counts(pool: &PgPool, contest: &str) -> Result<Vec<RegionCount>, StoreError> {
    let rows = sqlx::query(
        "SELECT region, sum(participants)::bigint, sum(participations)::bigint
         FROM region_counters WHERE contest = $1 GROUP BY region ORDER BY region",
    )
    .bind(contest)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (region(r.get(0)), r.get::<i64, _>(1) as usize, r.get::<i64, _>(2) as usize)).collect())
}

/// One region where the counters and the tables disagree.
#[derive(Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub region: String,
    /// (participants, participations) by the counters.
    pub counted: (i64, i64),
    /// The same, counted from the participants and attempts tables.
    pub recounted: (i64, i64),
}

/// What a recount found for a contest: the totals by the tables and every difference.
#[derive(Debug)]
pub struct Recount {
    pub participants: i64,
    pub participations: i64,
    pub mismatches: Vec<Mismatch>,
}

/// Counts the contest's participants and attempts per region from the tables (plain
/// `count(*)`: the primary keys make every row distinct) and compares with the counters.
pub async fn recount(pool: &PgPool, contest: &str) -> Result<Recount, StoreError> {
    let rows = sqlx::query(
        "WITH kept AS (
             SELECT region, sum(participants)::bigint AS p, sum(participations)::bigint AS n
             FROM region_counters WHERE contest = $1 GROUP BY region
         ), att AS (
             SELECT region, count(*) AS n FROM attempts WHERE contest = $1 GROUP BY region
         ), ppl AS (
             SELECT region, count(*) AS p FROM participants WHERE contest = $1 GROUP BY region
         ), tables AS (
             SELECT coalesce(att.region, ppl.region) AS region, coalesce(ppl.p, 0) AS p, coalesce(att.n, 0) AS n
             FROM att FULL JOIN ppl ON att.region = ppl.region
         )
         SELECT coalesce(kept.region, tables.region), coalesce(kept.p, 0), coalesce(kept.n, 0),
                coalesce(tables.p, 0), coalesce(tables.n, 0)
         FROM kept FULL JOIN tables ON kept.region = tables.region ORDER BY 1",
    )
    .bind(contest)
    .fetch_all(pool)
    .await?;
    let mut out = Recount { participants: 0, participations: 0, mismatches: Vec::new() };
    for r in rows {
        let counted: (i64, i64) = (r.get(1), r.get(2));
        let recounted: (i64, i64) = (r.get(3), r.get(4));
        out.participants += recounted.0;
        out.participations += recounted.1;
        if counted != recounted {
            out.mismatches.push(Mismatch { region: r.get(0), counted, recounted });
        }
    }
    Ok(out)
}

/// Every contest with stored attempts or counters.
pub async fn stored_contests(pool: &PgPool) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT contest FROM region_counters UNION SELECT contest FROM participants UNION SELECT contest FROM attempts ORDER BY 1",
    )
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_names_are_safe_and_distinct() {
        let a = partition_name("attempts", "kepu-demo");
        assert!(a.starts_with("attempts_kepudemo_") && a.len() == "attempts_kepudemo_".len() + 8, "{a}");
        assert_ne!(a, partition_name("attempts", "kepu_demo"));
        assert!(partition_name("attempts", "x'); DROP TABLE attempts; --")
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        assert_eq!(literal("it's"), "'it''s'");
        assert!((0..100).map(|i| shard(&format!("p-{i}"))).all(|s| (0..SHARDS as i16).contains(&s)));
    }
}
