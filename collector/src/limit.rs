//! Rate limits: a token bucket per client address (only as a trusted proxy reports it) and
//! one for the whole collector. Time comes in as a value, so the buckets are tested exactly.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: f64,
}

impl Bucket {
    /// Takes a token if there is one; otherwise the seconds until there will be.
    fn take(&mut self, now: f64, rate: f64, burst: f64) -> Result<(), f64> {
        self.tokens = (self.tokens + (now - self.at).max(0.0) * rate).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - self.tokens) / rate)
        }
    }
}

pub struct Limits {
    per_ip: Mutex<HashMap<IpAddr, Bucket>>,
    global: Mutex<Bucket>,
    per_ip_rate: f64,
    per_ip_burst: f64,
    global_rate: f64,
    global_burst: f64,
}

/// Addresses idle long enough to have a full bucket again are forgotten past this many.
const MAX_TRACKED: usize = 100_000;

impl Limits {
    pub fn new(per_ip_rate: f64, per_ip_burst: f64, global_rate: f64, global_burst: f64) -> Limits {
        Limits {
            per_ip: Mutex::new(HashMap::new()),
            global: Mutex::new(Bucket { tokens: global_burst, at: 0.0 }),
            per_ip_rate,
            per_ip_burst,
            global_rate,
            global_burst,
        }
    }

    /// Whether a request may go on at `now` (seconds); otherwise the whole seconds to wait,
    /// for `Retry-After`.
    pub fn admit(&self, client: Option<IpAddr>, now: f64) -> Result<(), u64> {
        let wait = |s: f64| s.ceil().max(1.0) as u64;
        if let Some(ip) = client {
            let mut map = self.per_ip.lock().unwrap_or_else(|e| e.into_inner());
            if map.len() >= MAX_TRACKED {
                let full = self.per_ip_burst / self.per_ip_rate;
                map.retain(|_, b| now - b.at < full);
            }
            let bucket = map.entry(ip).or_insert(Bucket { tokens: self.per_ip_burst, at: now });
            bucket.take(now, self.per_ip_rate, self.per_ip_burst).map_err(wait)?;
        }
        let mut global = self.global.lock().unwrap_or_else(|e| e.into_inner());
        if global.at == 0.0 {
            global.at = now;
        }
        global.take(now, self.global_rate, self.global_burst).map_err(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_burst_then_its_rate_and_everyone_shares_the_global_limit() {
        let limits = Limits::new(2.0, 4.0, 100.0, 200.0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..4 {
            assert_eq!(limits.admit(Some(a), 10.0), Ok(()));
        }
        assert_eq!(limits.admit(Some(a), 10.0), Err(1), "burst spent");
        assert_eq!(limits.admit(Some(b), 10.0), Ok(()), "another address is not held back");
        assert_eq!(limits.admit(Some(a), 10.5), Ok(()), "2 a second come back");
        assert_eq!(limits.admit(Some(a), 10.5), Err(1));
        let global = Limits::new(1.0, 1.0, 10.0, 3.0);
        assert!((0..3).all(|_| global.admit(None, 5.0).is_ok()));
        assert_eq!(global.admit(None, 5.0), Err(1), "the global burst is spent");
        assert_eq!(global.admit(None, 5.2), Ok(()));
    }
}
