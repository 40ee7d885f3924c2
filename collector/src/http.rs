//! The HTTP API of the collector contract: submitting attempts, health, and the organizer's
//! counts (JSON and the page's region CSV) behind a bearer token.

use kepu_quiz::core::Message;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kepu_quiz::core::exchange::certificate::{normalize_code, not_a_code_message, CollectorVerification};
use kepu_quiz::core::exchange::submission::{
    receipt_message, CollectedCounts, Submission, SubmitReply, SubmitResult, SubmitStatus, MAX_BATCH, MAX_BODY_BYTES,
};
use kepu_quiz::core::reports::export::{region_csv, report_file_name};
use kepu_quiz::core::reports::stats::RegionReport;
use kepu_quiz::core::Lang;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::contests::Contests;
use crate::limit::Limits;
use crate::receipt::ReceiptKey;
use crate::store::{self, StoreError};

pub struct AppState {
    pub contests: Contests,
    pub pool: PgPool,
    /// The organizer's reads: a replica's pool when one is given, else `pool`.
    pub read_pool: PgPool,
    pub writer: store::Writer,
    pub key: ReceiptKey,
    pub limits: Limits,
    pub token: String,
    pub client_ip_header: Option<HeaderName>,
    pub trusted_proxies: Vec<IpAddr>,
}

type Shared = Arc<AppState>;

pub fn router(state: Shared, allow_origins: &[String]) -> Router {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/attempts", post(submit))
        .route("/v1/receipt-key", get(receipt_key))
        .route("/v1/contests/{contest}/counts", get(counts_json))
        .route("/v1/contests/{contest}/counts.csv", get(counts_csv))
        .route("/v1/contests/{contest}/recount", get(recount))
        .route("/v1/contests/{contest}/certificates/{code}", get(certificate))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    if allow_origins.is_empty() {
        return app;
    }
    let origins = if allow_origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(allow_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    app.layer(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([header::RETRY_AFTER])
            .max_age(std::time::Duration::from_secs(86_400)),
    )
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn error(status: StatusCode, reason: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], json!({ "error": reason }).to_string()).into_response()
}

fn unavailable(e: &StoreError) -> Response {
    eprintln!("kepu-collector: {e}");
    match e {
        StoreError::Unavailable(_) => {
            let mut r = error(StatusCode::SERVICE_UNAVAILABLE, "数据库暂时不可用，请稍后重试");
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            r
        }
        StoreError::Retry(_) | StoreError::Failed(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误"),
    }
}

async fn healthz(State(state): State<Shared>) -> Response {
    match sqlx::query("SELECT 1").execute(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => unavailable(&e.into()),
    }
}

async fn receipt_key(State(state): State<Shared>) -> Response {
    axum::Json(json!({ "algorithm": "ed25519", "public_key": state.key.public_hex() })).into_response()
}

/// The client's address, only as a trusted proxy reports it.
fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Option<IpAddr> {
    let name = state.client_ip_header.as_ref()?;
    if !state.trusted_proxies.contains(&peer.ip().to_canonical()) {
        return None;
    }
    // X-Forwarded-For lists every hop: the last one is the address our proxy saw.
    headers.get(name)?.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
}

fn too_many(wait: u64) -> Response {
    let mut r = error(StatusCode::TOO_MANY_REQUESTS, "请求过于频繁，请稍后重试");
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
    r
}

async fn submit(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = now_ms();
    if let Err(wait) = state.limits.admit(client_ip(&state, peer, &headers), now as f64 / 1000.0) {
        return too_many(wait);
    }
    let submission: Submission = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, &format!("请求格式不符：{e}")),
    };
    if submission.attempts.len() > MAX_BATCH {
        return error(StatusCode::PAYLOAD_TOO_LARGE, &format!("一次最多提交 {MAX_BATCH} 条"));
    }
    let rejected = |id: &str, reason: String| SubmitResult {
        id: id.to_string(),
        status: SubmitStatus::Rejected,
        reason: Some(reason),
        receipt: None,
    };
    let Some(served) = state.contests.by_id.get(&submission.contest) else {
        let reason = kepu_quiz::core::exchange::submission::Refusal::UnknownContest.message(Lang::Zh);
        let results = submission.attempts.iter().map(|a| rejected(&a.id, reason.clone())).collect();
        return axum::Json(SubmitReply { results }).into_response();
    };
    // Checked first, all at once: the core's attempts do not cross an `await`.
    // Each is signed now: its certificate's codes, stored with it, include the receipt.
    let checked: Vec<Result<(store::StoredAttempt, String), String>> = {
        let check = served.record_check(now);
        submission
            .attempts
            .iter()
            .map(|sent| match sent.check(&check, &state.contests.regions) {
                Ok(a) => {
                    let receipt = state.key.sign(&receipt_message(&submission.contest, &a));
                    Ok((store::StoredAttempt::of(&a, &served.index, &receipt), receipt))
                }
                Err(why) => Err(why.message(Lang::Zh)),
            })
            .collect()
    };
    let mut results: Vec<Option<SubmitResult>> = Vec::with_capacity(checked.len());
    let mut rows = Vec::new();
    let mut receipts = Vec::new();
    for (sent, outcome) in submission.attempts.iter().zip(checked) {
        match outcome {
            Ok((row, receipt)) => {
                rows.push(row);
                receipts.push(receipt);
                results.push(None);
            }
            Err(reason) => results.push(Some(rejected(&sent.id, reason))),
        }
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut stored = state.writer.store(rows).await.into_iter().zip(ids).zip(receipts);
    for slot in results.iter_mut().filter(|r| r.is_none()) {
        let Some(((outcome, id), receipt)) = stored.next() else { break };
        *slot = Some(match outcome {
            Ok(true) => SubmitResult { id, status: SubmitStatus::Accepted, reason: None, receipt: Some(receipt) },
            Ok(false) => SubmitResult { id, status: SubmitStatus::Duplicate, reason: None, receipt: None },
            Err(e) => return unavailable(&e),
        });
    }
    let results = results.into_iter().flatten().collect();
    axum::Json(SubmitReply { results }).into_response()
}

/// Compares in time independent of where the first difference is.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let sent = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    sent.is_some_and(|t| same_secret(t.trim().as_bytes(), state.token.as_bytes()))
}

fn unauthorized() -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, "需要主办方令牌");
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

#[derive(Deserialize)]
struct LevelQuery {
    level: Option<String>,
}

/// The region rows of a contest at a level, with the totals; or the response to give instead.
async fn region_report(
    state: &AppState,
    headers: &HeaderMap,
    contest: &str,
    level: Option<&str>,
) -> Result<RegionReport, Response> {
    if !authorized(state, headers) {
        return Err(unauthorized());
    }
    let level = match level.unwrap_or("province") {
        "province" => 1,
        "city" => 2,
        "county" => 3,
        other => {
            return Err(error(StatusCode::BAD_REQUEST, &format!("level 应为 province、city 或 county，而不是 {other}")))
        }
    };
    if !state.contests.by_id.contains_key(contest) {
        return Err(error(StatusCode::NOT_FOUND, "收集服务器上没有这个竞赛"));
    }
    let counts = store::counts(&state.read_pool, contest).await.map_err(|e| unavailable(&e))?;
    Ok(RegionReport::of_counts(&counts, &state.contests.regions, level))
}

async fn counts_json(
    State(state): State<Shared>,
    Path(contest): Path<String>,
    Query(q): Query<LevelQuery>,
    headers: HeaderMap,
) -> Response {
    match region_report(&state, &headers, &contest, q.level.as_deref()).await {
        Ok(report) => axum::Json(CollectedCounts::of(&report)).into_response(),
        Err(r) => r,
    }
}

async fn counts_csv(
    State(state): State<Shared>,
    Path(contest): Path<String>,
    Query(q): Query<LevelQuery>,
    headers: HeaderMap,
) -> Response {
    match region_report(&state, &headers, &contest, q.level.as_deref()).await {
        Ok(report) => {
            let name = report_file_name(&contest, "地区参赛统计", "csv", now_ms());
            let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&name));
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                region_csv(&report),
            )
                .into_response()
        }
        Err(r) => r,
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn recount(State(state): State<Shared>, Path(contest): Path<String>, headers: HeaderMap) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    match store::recount(&state.read_pool, &contest).await {
        Ok(r) => axum::Json(json!({
            "participants": r.participants,
            "participations": r.participations,
            "mismatches": r.mismatches.iter().map(|m| json!({
                "region": m.region, "counted": [m.counted.0, m.counted.1], "recounted": [m.recounted.0, m.recounted.1]
            })).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => unavailable(&e),
    }
}

/// `GET /v1/contests/{contest}/certificates/{code}` (organizer token): whether an attempt this
/// collector accepted has that certificate code (typed any way `normalize_code` reads), and
/// which: `{"found": true, "attempt": {"id", "region", "score", "max_score", "finished_at"}}`
/// or `{"found": false}`; 400 for text that cannot be a code.
async fn certificate(
    State(state): State<Shared>,
    Path((contest, code)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let Some(code) = normalize_code(&code) else {
        return error(StatusCode::BAD_REQUEST, not_a_code_message(Lang::Zh));
    };
    match store::by_code(&state.read_pool, &contest, &code).await {
        Ok(attempt) => axum::Json(CollectorVerification { found: attempt.is_some(), attempt }).into_response(),
        Err(e) => unavailable(&e),
    }
}
