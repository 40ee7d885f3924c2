//! A throw-away PostgreSQL cluster (initdb + pg_ctl in a temp folder, on a free port), the
//! collector binary started against it, and a minimal HTTP/1.1 client: the tests drive the
//! collector only through its HTTP contract and its command line.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const TOKEN: &str = "test-organizer-token";

fn pg_bin(tool: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL installed (scripts/setup)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop().expect("a PostgreSQL bin folder").join(tool)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Runs a PostgreSQL tool, as the postgres user when we are root (PostgreSQL refuses root).
fn pg(tool: &str, args: &[&str]) -> std::process::Output {
    let bin = pg_bin(tool);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd.args(args).stdin(Stdio::null()).output().expect("a PostgreSQL tool runs");
    out
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

static CLUSTERS: AtomicUsize = AtomicUsize::new(0);

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
}

impl Cluster {
    pub fn start() -> Cluster {
        let n = CLUSTERS.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("kepu-collector-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            assert!(Command::new("chown").args(["postgres:", dir.to_str().unwrap()]).status().unwrap().success());
        }
        let data = dir.join("data");
        let out = pg(
            "initdb",
            &["-D", data.to_str().unwrap(), "-U", "kepu", "--auth=trust", "--encoding=UTF8", "--locale=C"],
        );
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let cluster = Cluster { dir, port: free_port() };
        cluster.up();
        let out = pg("createdb", &["-h", "127.0.0.1", "-p", &cluster.port.to_string(), "-U", "kepu", "kepu"]);
        assert!(out.status.success(), "createdb: {}", String::from_utf8_lossy(&out.stderr));
        cluster
    }

    pub fn url(&self) -> String {
        format!("postgres://kepu@127.0.0.1:{}/kepu", self.port)
    }

    fn ctl(&self, args: &[&str]) -> std::process::Output {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.display());
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let mut all = vec!["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-o", &options];
        all.extend_from_slice(args);
        pg("pg_ctl", &all)
    }

    pub fn up(&self) {
        let out = self.ctl(&["start", "-w", "-t", "60"]);
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Runs one SQL statement in the test database (psql).
    pub fn sql(&self, statement: &str) {
        let port = self.port.to_string();
        let out = pg(
            "psql",
            &["-h", "127.0.0.1", "-p", &port, "-U", "kepu", "-d", "kepu", "-v", "ON_ERROR_STOP=1", "-c", statement],
        );
        assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn down(&self) {
        let out = self.ctl(&["stop", "-m", "fast", "-w"]);
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.ctl(&["stop", "-m", "immediate"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The folder of the app's contests and region data.
pub fn questions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../questions")
}

pub struct Collector {
    pub child: Child,
    pub address: String,
}

impl Collector {
    /// Starts `kepu-collector` on a free port with `extra` arguments, and waits until
    /// `/healthz` answers 200.
    pub fn start(cluster: &Cluster, extra: &[&str]) -> Collector {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kepu-collector"))
            .args(["--listen", "127.0.0.1:0", "--contests", questions().to_str().unwrap()])
            .args(["--allow-origin", "https://quiz.example.org"])
            .args(extra)
            .env("DATABASE_URL", cluster.url())
            .env("KEPU_ORGANIZER_TOKEN", TOKEN)
            .stdout(Stdio::piped())
            .spawn()
            .expect("kepu-collector starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("a line").expect("stdout");
        let address = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        // Keep reading so the collector never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let collector = Collector { child, address };
        collector.wait_healthy(Duration::from_secs(30));
        collector
    }

    pub fn wait_healthy(&self, within: Duration) {
        let start = Instant::now();
        while self.get("/healthz", None).status != 200 {
            assert!(start.elapsed() < within, "the collector did not become healthy");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        request(&self.address, method, path, headers, body)
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        self.request("GET", path, &headers, b"")
    }

    pub fn post(&self, body: &str) -> Reply {
        self.request("POST", "/v1/attempts", &[("Content-Type", "application/json")], body.as_bytes())
    }

    /// Sends SIGTERM and returns the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on its own connection (`Connection: close`); the body is read to the end.
pub fn request(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) and close before reading all of a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no response: {raw:?}"));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        body = unchunk(&body);
    }
    Reply { status, headers, body }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// Runs `kepu-collector` with `args` (e.g. `recount`) against the cluster.
pub fn run_collector(cluster: &Cluster, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kepu-collector")).args(args).env("DATABASE_URL", cluster.url()).output().unwrap()
}
