//! PostgreSQL: the schema (migrations), storing an attempt with its counts in one statement,
//! reading the counters, and recounting from the tables.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use kepu_quiz::core::exchange::certificate::{code_of, VerifiedAttempt};
use kepu_quiz::core::exchange::submission::receipt_message;
use kepu_quiz::core::play::ledger::Attempt;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool, Postgres, Row};
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Counter rows per region: concurrent attempts of one county update different rows.
pub const SHARDS: u32 = 8;

/// Why the database could not do what was asked.
#[derive(Clone, Debug)]
pub enum StoreError {
    /// Unreachable, restarting or out of connections: the request may be tried again (503).
    Unavailable(String),
    /// A deadlock or serialization failure: tried again at once.
    Retry(String),
    /// Anything else (500).
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "database unavailable: {e}"),
            StoreError::Retry(e) | StoreError::Failed(e) => write!(f, "database error: {e}"),
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
        if is_transient(&e) {
            return StoreError::Retry(e.to_string());
        }
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
        // After a database restart every pooled connection is dead: each is tested (one round
        // trip, once per batch of attempts) rather than failing a request.
        .test_before_acquire(true)
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
    format!("{table}_{clean}_{}", hex::encode(&digest[..4]))
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
    /// The certificate's verification code without and with this collector's receipt.
    pub code: String,
    pub signed_code: String,
    /// The contest's stage it was played in (migration 0003); `None` without stages.
    pub stage: Option<String>,
}

impl StoredAttempt {
    /// `attempt` as stored, with its certificate codes (`receipt` is the one signed for it).
    pub fn of(attempt: &Attempt, index: &std::collections::HashMap<String, u16>, receipt: &str) -> StoredAttempt {
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
            code: code_of(attempt, None),
            signed_code: code_of(attempt, Some(receipt)),
            stage: attempt.stage.clone(),
        }
    }
}

/// Attempts, their new participants and their counter rows, in one statement: each attempt
/// is stored with its counts or not at all, and one already stored changes nothing. Rows go
/// in a fixed order (attempts by id, participants by person, counters by region and shard),
/// so concurrent batches, of this collector or another, wait for each other but never
/// deadlock. Returns the ids stored now.
const STORE_BATCH: &str = "
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::int8[],
                         $8::text[], $9::bytea[], $10::int4[], $11::int4[], $12::int4[], $13::int2[],
                         $14::text[], $15::text[], $16::text[])
        AS t(contest, id, person, region, crowd, started_at, finished_at, bank, answers, score, max_score, correct, shard,
             code, signed_code, stage)
), a AS (
    INSERT INTO attempts (contest, id, person, region, crowd, started_at, finished_at, bank, answers, score, max_score, correct,
                          code, signed_code, stage)
    SELECT contest, id, person, region, crowd, started_at, finished_at, bank, answers, score, max_score, correct,
           code, signed_code, stage
    FROM input ORDER BY contest, id
    ON CONFLICT DO NOTHING
    RETURNING contest, id, person, region
), p AS (
    INSERT INTO participants (contest, person, region, first_attempt)
    SELECT DISTINCT ON (contest, person) contest, person, region, id FROM a ORDER BY contest, person, id
    ON CONFLICT DO NOTHING
    RETURNING contest, first_attempt
), c AS (
    INSERT INTO region_counters AS k (contest, region, shard, participants, participations)
    SELECT a.contest, a.region, i.shard, count(p.first_attempt), count(*)
    FROM a JOIN input i ON i.contest = a.contest AND i.id = a.id
         LEFT JOIN p ON p.contest = a.contest AND p.first_attempt = a.id
    GROUP BY a.contest, a.region, i.shard
    ORDER BY a.contest, a.region, i.shard
    ON CONFLICT (contest, region, shard) DO UPDATE
        SET participants = k.participants + excluded.participants,
            participations = k.participations + excluded.participations
)
SELECT id FROM a";

/// Stores checked attempts (distinct ids) in one statement; the ids that were new.
async fn store_batch(
    conn: &mut PoolConnection<Postgres>,
    rows: &[&StoredAttempt],
) -> Result<HashSet<String>, StoreError> {
    fn col<T>(rows: &[&StoredAttempt], f: impl Fn(&StoredAttempt) -> T) -> Vec<T> {
        rows.iter().map(|r| f(r)).collect()
    }
    let stored: Vec<String> = sqlx::query_scalar(STORE_BATCH)
        .bind(col(rows, |r| r.contest.clone()))
        .bind(col(rows, |r| r.id.clone()))
        .bind(col(rows, |r| r.person.clone()))
        .bind(col(rows, |r| r.region.clone()))
        .bind(col(rows, |r| r.crowd.clone()))
        .bind(col(rows, |r| r.started_at))
        .bind(col(rows, |r| r.finished_at))
        .bind(col(rows, |r| r.bank.clone()))
        .bind(col(rows, |r| r.answers.clone()))
        .bind(col(rows, |r| r.score))
        .bind(col(rows, |r| r.max_score))
        .bind(col(rows, |r| r.correct))
        .bind(col(rows, |r| shard(&r.id)))
        .bind(col(rows, |r| r.code.clone()))
        .bind(col(rows, |r| r.signed_code.clone()))
        .bind(col(rows, |r| r.stage.clone()))
        .fetch_all(&mut **conn)
        .await?;
    Ok(stored.into_iter().collect())
}

/// One attempt waiting for the writer, and where its outcome goes.
struct Job {
    row: StoredAttempt,
    done: oneshot::Sender<Result<bool, StoreError>>,
}

/// Stores attempts from every request in shared batches: while the database commits one
/// batch, the attempts arriving meanwhile gather into the next, so one commit (one WAL flush)
/// serves many phones. Each attempt still gets its own outcome.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// `concurrency` batches at most in flight, each of at most `max_batch` attempts.
    pub fn start(pool: PgPool, max_batch: usize, concurrency: usize) -> Writer {
        let (jobs, mut queue) = mpsc::channel::<Job>(max_batch * concurrency * 4);
        tokio::spawn(async move {
            let permits = Arc::new(Semaphore::new(concurrency));
            while let Some(first) = queue.recv().await {
                let Ok(permit) = permits.clone().acquire_owned().await else { return };
                let mut batch = vec![first];
                while batch.len() < max_batch {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let pool = pool.clone();
                tokio::spawn(async move {
                    run_batch(&pool, batch).await;
                    drop(permit);
                });
            }
        });
        Writer { jobs }
    }

    /// Stores checked attempts; per attempt `true` when new and now counted, `false` when an
    /// attempt with its id was already stored.
    pub async fn store(&self, rows: Vec<StoredAttempt>) -> Vec<Result<bool, StoreError>> {
        let mut waiting = Vec::with_capacity(rows.len());
        for row in rows {
            let (done, outcome) = oneshot::channel();
            let sent = self.jobs.send(Job { row, done }).await;
            waiting.push(sent.ok().map(|_| outcome));
        }
        let mut out = Vec::with_capacity(waiting.len());
        for w in waiting {
            let outcome = match w {
                Some(rx) => rx.await.unwrap_or_else(|_| Err(StoreError::Failed("the writer stopped".into()))),
                None => Err(StoreError::Failed("the writer stopped".into())),
            };
            out.push(outcome);
        }
        out
    }
}

/// A deadlock or serialization failure: the batch is simply tried again.
fn is_transient(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("40P01" | "40001")))
}

async fn run_batch(pool: &PgPool, jobs: Vec<Job>) {
    // The first of each id goes to the database; copies in the same batch are duplicates.
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, job) in jobs.iter().enumerate() {
        first.entry((job.row.contest.as_str(), job.row.id.as_str())).or_insert(i);
    }
    let mut rows: Vec<&StoredAttempt> = first.values().map(|&i| &jobs[i].row).collect();
    rows.sort_by(|a, b| (&a.contest, &a.id).cmp(&(&b.contest, &b.id)));
    let mut outcome = Err(StoreError::Unavailable("no attempt".into()));
    for _ in 0..5 {
        outcome = match pool.acquire().await {
            Err(e) => Err(StoreError::from(e)),
            Ok(mut conn) => match store_batch(&mut conn, &rows).await {
                Ok(stored) => Ok(stored),
                Err(e) => {
                    if e.breaks_connection() {
                        drop(conn.detach());
                    }
                    Err(e)
                }
            },
        };
        match &outcome {
            Err(StoreError::Retry(_)) => continue,
            _ => break,
        }
    }
    let first: HashSet<usize> = first.into_values().collect();
    for (i, job) in jobs.into_iter().enumerate() {
        let result = match &outcome {
            Ok(stored) => Ok(first.contains(&i) && stored.contains(&job.row.id)),
            Err(e) => Err(e.clone()),
        };
        let _ = job.done.send(result);
    }
}

/// A stored region code (`None` for no region), its participants and participations.
/// Gives the attempts stored before certificate codes (migration 0002) their codes, a thousand
/// rows a statement. Runs at start-up; the codes are the ones [`StoredAttempt::of`] gives.
pub async fn backfill_codes(pool: &PgPool, key: &crate::receipt::ReceiptKey) -> Result<u64, StoreError> {
    let mut done = 0;
    loop {
        let rows = sqlx::query(
            "SELECT contest, id, person, region, started_at, finished_at, score, max_score, correct
             FROM attempts WHERE code IS NULL ORDER BY contest, id LIMIT 1000",
        )
        .fetch_all(pool)
        .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        let (mut contests, mut ids, mut codes, mut signed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for r in &rows {
            let attempt = Attempt {
                contest_id: r.get(0),
                id: r.get(1),
                participant_id: r.get(2),
                region: region(r.get(3)),
                started_at: r.get(4),
                finished_at: r.get(5),
                score: r.get::<i32, _>(6) as u32,
                max_score: r.get::<i32, _>(7) as u32,
                correct: r.get::<i32, _>(8) as u32,
                name: String::new(),
                crowd: None,
                questions: Vec::new(),
                answers: Vec::new(),
                time_used_ms: 0,
                question_ds: Vec::new(),
                rules_revision: 0,
                bank: String::new(),
                rules_hash: None,
                stage: None,
                receipt: None,
            };
            let receipt = key.sign(&receipt_message(&attempt.contest_id, &attempt));
            codes.push(code_of(&attempt, None));
            signed.push(code_of(&attempt, Some(&receipt)));
            contests.push(attempt.contest_id);
            ids.push(attempt.id);
        }
        done += sqlx::query(
            "UPDATE attempts SET code = u.code, signed_code = u.signed_code
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(contest, id, code, signed_code)
             WHERE attempts.contest = u.contest AND attempts.id = u.id",
        )
        .bind(contests)
        .bind(ids)
        .bind(codes)
        .bind(signed)
        .execute(pool)
        .await?
        .rows_affected();
    }
}

/// The attempt of `contest` whose certificate code (without or with its receipt) is `code`.
pub async fn by_code(pool: &PgPool, contest: &str, code: &str) -> Result<Option<VerifiedAttempt>, StoreError> {
    let row = sqlx::query(
        "SELECT id, region, score, max_score, finished_at FROM attempts
         WHERE contest = $1 AND (code = $2 OR signed_code = $2) LIMIT 1",
    )
    .bind(contest)
    .bind(code)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| VerifiedAttempt {
        id: r.get(0),
        name: String::new(),
        region: r.get(1),
        score: r.get::<i32, _>(2) as u32,
        max_score: r.get::<i32, _>(3) as u32,
        finished_at: r.get(4),
    }))
}

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
