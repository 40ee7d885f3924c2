//! The collector's settings: flags first, then environment variables, then defaults.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// What `kepu-collector` is asked to do.
#[derive(Debug)]
pub enum Command {
    /// Serve the HTTP API.
    Serve(Box<Config>),
    /// Recount every contest (or one) from the tables and compare with the counters.
    Recount {
        database_url: String,
        contest: Option<String>,
    },
    Help,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub contests: PathBuf,
    /// Region data; default `regions.json` in the contests folder.
    pub regions: Option<PathBuf>,
    pub organizer_token: String,
    /// The token was generated (`--dev`), so it is printed.
    pub token_generated: bool,
    /// Origins allowed to submit from a browser; `*` for any.
    pub allow_origins: Vec<String>,
    /// The header a trusted reverse proxy puts the client's address in (e.g. `X-Real-IP`);
    /// without one there is no per-address limit, since every phone behind a proxy would share it.
    pub client_ip_header: Option<String>,
    /// Peers whose `client_ip_header` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Requests per second per client address, and the burst allowed above it.
    pub per_ip_rate: f64,
    pub per_ip_burst: f64,
    /// Requests per second over all clients of this collector, and the burst.
    pub global_rate: f64,
    pub global_burst: f64,
    pub pool_size: u32,
    /// Attempts stored in one statement at most, and statements in flight at most.
    pub batch_max: usize,
    pub writers: usize,
    /// Hex of a 32-byte Ed25519 secret; otherwise the one kept in the database.
    pub receipt_key: Option<String>,
    /// Where the organizer's reads (counts, CSV, recount, certificates) go, e.g. a streaming
    /// replica; otherwise `database_url`.
    pub read_database_url: Option<String>,
}

pub const USAGE: &str = "\
kepu-collector: the results collector of 科普答题

  kepu-collector [serve] [options]     serve the HTTP API
  kepu-collector recount [--database-url URL] [--contest ID]
                                       recount from the tables and compare with the counters
                                       (exit status 1 on any difference)
options (each also an environment variable):
  --database-url URL      DATABASE_URL          PostgreSQL; migrations run at start-up
  --read-database-url URL KEPU_READ_DATABASE_URL  the organizer's reads (counts, CSV, recount,
                                                certificates) from there, e.g. a streaming replica
  --listen ADDR:PORT      KEPU_LISTEN           default 127.0.0.1:8090
  --contests DIR          KEPU_CONTESTS         contest packages, default questions/
  --regions FILE          KEPU_REGIONS          default DIR/regions.json
  --allow-origin O[,O]    KEPU_ALLOW_ORIGIN     origins that may submit (CORS), * for any
  --dev                                         generate and print an organizer token
                          KEPU_ORGANIZER_TOKEN  the organizer endpoints' bearer token
  --client-ip-header H    KEPU_CLIENT_IP_HEADER header a trusted proxy sets (e.g. X-Real-IP)
  --trusted-proxy IP[,IP] KEPU_TRUSTED_PROXIES  default 127.0.0.1,::1
  --per-ip-rate N         KEPU_PER_IP_RATE      requests/s per client address, default 50 (burst 10×)
  --global-rate N         KEPU_GLOBAL_RATE      requests/s in all, default 20000 (burst 2×)
  --pool-size N           KEPU_POOL_SIZE        database connections, default 16
  --batch-max N           KEPU_BATCH_MAX        attempts of all requests stored in one statement, default 200
  --writers N             KEPU_WRITERS          such statements in flight at once, default 4
                          KEPU_RECEIPT_KEY      hex Ed25519 secret (else kept in the database)
";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Parses the command line (without the program name) over the environment.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut args = args.iter().peekable();
    let mut recount = false;
    match args.peek().map(|a| a.as_str()) {
        Some("recount") => {
            recount = true;
            args.next();
        }
        Some("serve") => {
            args.next();
        }
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        _ => {}
    }
    let mut flags: Vec<(String, Option<String>)> = Vec::new();
    while let Some(arg) = args.next() {
        let Some(name) = arg.strip_prefix("--") else { return Err(format!("unexpected argument {arg}")) };
        if let Some((name, value)) = name.split_once('=') {
            flags.push((name.to_string(), Some(value.to_string())));
        } else if name == "dev" || name == "help" {
            flags.push((name.to_string(), None));
        } else {
            let value = args.next().ok_or(format!("--{name} needs a value"))?;
            flags.push((name.to_string(), Some(value.clone())));
        }
    }
    let flag = |name: &str| flags.iter().rev().find(|(n, _)| n == name).and_then(|(_, v)| v.clone());
    let known = [
        "database-url",
        "read-database-url",
        "listen",
        "contests",
        "regions",
        "allow-origin",
        "dev",
        "help",
        "client-ip-header",
        "trusted-proxy",
        "per-ip-rate",
        "global-rate",
        "pool-size",
        "batch-max",
        "writers",
        "contest",
    ];
    if let Some((n, _)) = flags.iter().find(|(n, _)| !known.contains(&n.as_str())) {
        return Err(format!("unknown option --{n}"));
    }
    if flags.iter().any(|(n, _)| n == "help") {
        return Ok(Command::Help);
    }
    let database_url =
        flag("database-url").or_else(|| env("DATABASE_URL")).ok_or("no --database-url or DATABASE_URL")?;
    if recount {
        return Ok(Command::Recount { database_url, contest: flag("contest") });
    }
    let number = |name: &str, var: &str, default: f64| -> Result<f64, String> {
        match flag(name).or_else(|| env(var)) {
            None => Ok(default),
            Some(v) => {
                v.parse::<f64>().ok().filter(|n| *n > 0.0).ok_or(format!("--{name}: {v} is not a positive number"))
            }
        }
    };
    let dev = flags.iter().any(|(n, _)| n == "dev");
    let (organizer_token, token_generated) = match env("KEPU_ORGANIZER_TOKEN") {
        Some(t) => (t, false),
        None if dev => (crate::receipt::random_hex(24), true),
        None => return Err("no KEPU_ORGANIZER_TOKEN (or --dev to generate one)".into()),
    };
    let listen = flag("listen").or_else(|| env("KEPU_LISTEN")).unwrap_or_else(|| "127.0.0.1:8090".into());
    let per_ip_rate = number("per-ip-rate", "KEPU_PER_IP_RATE", 50.0)?;
    let global_rate = number("global-rate", "KEPU_GLOBAL_RATE", 20_000.0)?;
    let trusted =
        flag("trusted-proxy").or_else(|| env("KEPU_TRUSTED_PROXIES")).unwrap_or_else(|| "127.0.0.1,::1".into());
    Ok(Command::Serve(Box::new(Config {
        database_url,
        listen: listen.parse().map_err(|_| format!("--listen: {listen} is not an address:port"))?,
        contests: flag("contests").or_else(|| env("KEPU_CONTESTS")).unwrap_or_else(|| "questions".into()).into(),
        regions: flag("regions").or_else(|| env("KEPU_REGIONS")).map(PathBuf::from),
        organizer_token,
        token_generated,
        allow_origins: list(&flag("allow-origin").or_else(|| env("KEPU_ALLOW_ORIGIN")).unwrap_or_default()),
        client_ip_header: flag("client-ip-header").or_else(|| env("KEPU_CLIENT_IP_HEADER")),
        trusted_proxies: list(&trusted)
            .iter()
            .map(|ip| ip.parse().map_err(|_| format!("--trusted-proxy: {ip} is not an IP address")))
            .collect::<Result<_, _>>()?,
        per_ip_rate,
        per_ip_burst: per_ip_rate * 10.0,
        global_rate,
        global_burst: global_rate * 2.0,
        pool_size: number("pool-size", "KEPU_POOL_SIZE", 16.0)? as u32,
        batch_max: number("batch-max", "KEPU_BATCH_MAX", 200.0)? as usize,
        writers: number("writers", "KEPU_WRITERS", 4.0)? as usize,
        receipt_key: env("KEPU_RECEIPT_KEY"),
        read_database_url: flag("read-database-url").or_else(|| env("KEPU_READ_DATABASE_URL")),
    })))
}
