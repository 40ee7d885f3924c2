//! `kepu-collector`: serve the collector API, or recount the counters (`recount`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::HeaderName;
use kepu_collector::config::{self, Command, Config};
use kepu_collector::{contests, http, limit::Limits, receipt, store};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match config::parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kepu-collector: {e}\n\n{}", config::USAGE);
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let code = runtime.block_on(async {
        match command {
            Command::Help => {
                print!("{}", config::USAGE);
                0
            }
            Command::Serve(config) => match serve(*config).await {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("kepu-collector: {e}");
                    1
                }
            },
            Command::Recount { database_url, contest } => recount(&database_url, contest).await,
        }
    });
    std::process::exit(code);
}

async fn serve(config: Config) -> Result<(), String> {
    let contests = contests::load(&config.contests, config.regions.as_deref())?;
    let pool = store::pool(&config.database_url, config.pool_size)?;
    store::migrate(&pool).await;
    let ids: Vec<String> = contests.by_id.keys().cloned().collect();
    store::ensure_partitions(&pool, &ids).await.map_err(|e| e.to_string())?;
    let secret = match &config.receipt_key {
        Some(hex) => hex::decode(hex).ok().ok_or("KEPU_RECEIPT_KEY is not hex")?,
        None => store::receipt_secret(&pool).await.map_err(|e| e.to_string())?,
    };
    let key = receipt::ReceiptKey::from_secret(&secret).ok_or("the receipt key is not 32 bytes")?;
    // Attempts stored before certificate codes get theirs (migration 0002).
    let backfilled = store::backfill_codes(&pool, &key).await.map_err(|e| e.to_string())?;
    if backfilled > 0 {
        eprintln!("kepu-collector: gave {backfilled} earlier attempts their certificate codes");
    }
    let client_ip_header = match &config.client_ip_header {
        Some(h) => Some(HeaderName::try_from(h.as_str()).map_err(|_| format!("--client-ip-header: {h}"))?),
        None => None,
    };
    // A replica is read only: no migrations there (they arrive by streaming).
    let read_pool = match &config.read_database_url {
        Some(url) => store::pool(url, config.pool_size)?,
        None => pool.clone(),
    };
    let state = Arc::new(http::AppState {
        contests,
        pool: pool.clone(),
        read_pool,
        writer: store::Writer::start(pool.clone(), config.batch_max, config.writers),
        key,
        limits: Limits::new(config.per_ip_rate, config.per_ip_burst, config.global_rate, config.global_burst),
        token: config.organizer_token.clone(),
        client_ip_header,
        trusted_proxies: config.trusted_proxies.clone(),
    });
    let app = http::router(state.clone(), &config.allow_origins);
    let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(|e| format!("{}: {e}", config.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let mut names: Vec<&String> = state.contests.by_id.keys().collect();
    names.sort();
    println!("kepu-collector listening on http://{address}/ (contests: {names:?})");
    println!("receipt public key: {}", state.key.public_hex());
    if config.token_generated {
        println!("organizer token: {}", config.organizer_token);
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())?;
    pool.close().await;
    eprintln!("kepu-collector: stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C: the listener stops accepting, requests in flight finish.
async fn shutdown() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("a SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    eprintln!("kepu-collector: stopping: finishing the requests in flight");
}

async fn recount(url: &str, only: Option<String>) -> i32 {
    let pool = match store::pool(url, 2) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("kepu-collector: {e}");
            return 2;
        }
    };
    let contests = match only {
        Some(c) => vec![c],
        None => match store::stored_contests(&pool).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("kepu-collector: {e}");
                return 2;
            }
        },
    };
    let mut code = 0;
    for contest in contests {
        match store::recount(&pool, &contest).await {
            Ok(r) if r.mismatches.is_empty() => {
                println!(
                    "{contest}: counters match the tables: {} participants, {} participations",
                    r.participants, r.participations
                )
            }
            Ok(r) => {
                code = 1;
                println!("{contest}: {} region(s) differ", r.mismatches.len());
                for m in r.mismatches {
                    println!(
                        "  {:?}: counters {:?}, tables {:?} (participants, participations)",
                        m.region, m.counted, m.recounted
                    );
                }
            }
            Err(e) => {
                eprintln!("kepu-collector: {contest}: {e}");
                return 2;
            }
        }
    }
    code
}
