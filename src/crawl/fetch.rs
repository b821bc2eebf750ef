//! Fetch stage: polite, bounded, fault-tolerant HTTP with tokio and reqwest.
//!
//! Every request passes the same gates in order: the pipeline's domains, a public
//! address (loopback, private and link-local addresses are refused unless the pipeline
//! allows them, also after redirects and DNS), robots.txt, and the host's politeness
//! gate (concurrency and a minimum interval from the rate and `Crawl-delay`). Timeouts,
//! connection errors, 429 and 5xx are retried with exponential backoff and jitter,
//! honouring `Retry-After`. Bodies are read in chunks after decompression and cut off
//! at the size limit, so a gzip bomb never expands in memory.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION,
    RETRY_AFTER,
};
use texting_robots::Robot;
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

use crate::config::Loaded;
use crate::crawl::warc::WarcWriter;
use crate::record::RawPage;

/// Validators from an earlier fetch, sent as a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What one fetch came to.
#[derive(Debug)]
pub enum Fetched {
    /// A 200 with its body; `final_url` after redirects.
    Page {
        page: RawPage,
        status: u16,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: the page did not change since the validators were taken.
    NotModified { status: u16 },
    /// Not fetched or failed for good, with a short reason code and a readable detail.
    Failed {
        reason: &'static str,
        detail: String,
        status: Option<u16>,
    },
}

/// True for addresses a crawler on the open web must never reach.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

/// DNS that drops private addresses, so a public name pointing inside is refused.
struct SafeResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for SafeResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let allow = self.allow_private;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let ok: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| allow || !is_private(a.ip()))
                .collect();
            if ok.is_empty() {
                return Err(format!("{host} resolves only to private or loopback addresses, which this pipeline does not allow").into());
            }
            Ok(Box::new(ok.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Per-host politeness: how many requests at once, and how far apart.
struct HostGate {
    slots: Semaphore,
    next: tokio::sync::Mutex<Instant>,
    interval: Mutex<Duration>,
}

/// The robots.txt rules of one origin, fetched once (`None`: no robots.txt, all allowed).
type RobotsCell = Arc<OnceCell<Option<Arc<Robot>>>>;

/// The HTTP client of one crawl.
pub struct Fetcher {
    client: reqwest::Client,
    cfg: Arc<Loaded>,
    hosts: Mutex<HashMap<String, Arc<HostGate>>>,
    robots: Mutex<HashMap<String, RobotsCell>>,
    warc: Option<Arc<Mutex<WarcWriter>>>,
    /// HTTP requests sent (robots.txt and redirects included).
    pub requests: std::sync::atomic::AtomicU64,
}

fn agent_token(ua: &str) -> String {
    ua.split(['/', ' '])
        .next()
        .unwrap_or("newsmill")
        .to_string()
}

impl Fetcher {
    pub fn new(cfg: Arc<Loaded>, warc: Option<Arc<Mutex<WarcWriter>>>) -> anyhow::Result<Self> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let f = &cfg.pipeline.fetch;
        let (connect, read, total) = cfg.timeouts();
        let client = reqwest::Client::builder()
            .user_agent(f.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect)
            .read_timeout(read)
            .timeout(total)
            .no_proxy()
            .dns_resolver(Arc::new(SafeResolver {
                allow_private: f.allow_private_addresses,
            }))
            .pool_max_idle_per_host(f.per_host_concurrency.max(1))
            .build()?;
        Ok(Fetcher {
            client,
            cfg,
            hosts: Mutex::new(HashMap::new()),
            robots: Mutex::new(HashMap::new()),
            warc,
            requests: std::sync::atomic::AtomicU64::new(0),
        })
    }

    fn gate(&self, host: &str) -> Arc<HostGate> {
        let f = &self.cfg.pipeline.fetch;
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                let shards = f.shards.max(1);
                let interval = if f.per_host_rate > 0.0 {
                    Duration::from_secs_f64(shards as f64 / f.per_host_rate)
                } else {
                    Duration::ZERO
                };
                Arc::new(HostGate {
                    slots: Semaphore::new((f.per_host_concurrency / shards as usize).max(1)),
                    next: tokio::sync::Mutex::new(Instant::now()),
                    interval: Mutex::new(interval),
                })
            })
            .clone()
    }

    /// Checks scope and address of a URL before any connection is made.
    fn admissible(&self, url: &Url) -> Result<(), (&'static str, String)> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(("bad_url", format!("{url} is not an http(s) URL")));
        }
        if !self.cfg.in_scope(url) {
            return Err((
                "out_of_scope",
                format!(
                    "{url} is outside the pipeline's domains; add its host to site.domains or fetch.extra_domains to crawl it"
                ),
            ));
        }
        if !self.cfg.pipeline.fetch.allow_private_addresses {
            let literal = match url.host() {
                Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
                _ => None,
            };
            if literal.is_some_and(is_private) || url.host_str() == Some("localhost") {
                return Err((
                    "private_address",
                    format!(
                        "{url} points at a loopback or private address; set fetch.allow_private_addresses to crawl it"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The robots.txt rules of the URL's origin, fetched once per origin.
    async fn robot(&self, url: &Url) -> Option<Arc<Robot>> {
        let origin = url.origin().ascii_serialization();
        let cell = {
            let mut map = self.robots.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(origin.clone())
                .or_insert_with(|| Arc::new(OnceCell::new()))
                .clone()
        };
        cell.get_or_init(|| async {
            let robots_url = format!("{origin}/robots.txt");
            let agent = agent_token(&self.cfg.pipeline.fetch.user_agent);
            match self.raw_get(&robots_url, None, 0).await {
                Fetched::Page { page, .. } => {
                    let robot = Robot::new(&agent, &page.bytes).ok().map(Arc::new);
                    if let (Some(r), Ok(u)) = (&robot, Url::parse(&robots_url))
                        && let (Some(delay), Some(host)) = (r.delay, u.host_str())
                    {
                        let gate = self.gate(host);
                        let mut iv = gate.interval.lock().unwrap_or_else(|p| p.into_inner());
                        let shards = self.cfg.pipeline.fetch.shards.max(1) as f64;
                        *iv = (*iv).max(Duration::from_secs_f64(delay.max(0.0) as f64 * shards));
                    }
                    robot
                }
                // No robots.txt (404) or an unreachable one: everything is allowed.
                _ => None,
            }
        })
        .await
        .clone()
    }

    /// `Sitemap:` URLs listed in the robots.txt of `origin_url`'s origin.
    pub async fn robots_sitemaps(&self, origin_url: &Url) -> Vec<String> {
        self.robot(origin_url)
            .await
            .map(|r| r.sitemaps.clone())
            .unwrap_or_default()
    }

    /// Fetches `url` through every gate, with retries.
    pub async fn get(&self, url: &str, validators: Option<&Validators>) -> Fetched {
        let Ok(parsed) = Url::parse(url) else {
            return Fetched::Failed {
                reason: "bad_url",
                detail: format!("{url:?} is not a valid URL"),
                status: None,
            };
        };
        if let Err((reason, detail)) = self.admissible(&parsed) {
            return Fetched::Failed {
                reason,
                detail,
                status: None,
            };
        }
        if self.cfg.pipeline.fetch.obey_robots
            && let Some(robot) = self.robot(&parsed).await
            && !robot.allowed(url)
        {
            return Fetched::Failed {
                reason: "robots_disallowed",
                detail: format!(
                    "robots.txt of {} disallows {url}",
                    parsed.origin().ascii_serialization()
                ),
                status: None,
            };
        }
        let f = &self.cfg.pipeline.fetch;
        let mut attempt = 0;
        loop {
            let outcome = self.raw_get(url, validators, attempt).await;
            let retry_after = match &outcome {
                Fetched::Failed {
                    reason,
                    status,
                    detail,
                } if attempt < f.retries && retryable(reason, *status) => parse_retry_after(detail),
                _ => return outcome,
            };
            let backoff = f.backoff_secs * 2f64.powi(attempt as i32) * (0.5 + fastrand::f64());
            let wait = match retry_after {
                Some(secs) if secs > f.max_retry_after_secs => return outcome,
                Some(secs) => secs.max(backoff * 0.5),
                None => backoff,
            };
            tracing::info!(url, attempt, wait, "retrying after a transient failure");
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
            attempt += 1;
        }
    }

    /// One attempt, following redirects by hand so each hop passes the gates and loops are caught.
    async fn raw_get(&self, url: &str, validators: Option<&Validators>, attempt: u32) -> Fetched {
        let f = &self.cfg.pipeline.fetch;
        let mut current = match Url::parse(url) {
            Ok(u) => u,
            Err(e) => {
                return Fetched::Failed {
                    reason: "bad_url",
                    detail: format!("{url:?}: {e}"),
                    status: None,
                };
            }
        };
        let mut seen: HashSet<String> = HashSet::new();
        for _hop in 0..=f.max_redirects {
            if !seen.insert(current.to_string()) {
                return Fetched::Failed {
                    reason: "redirect_loop",
                    detail: format!("{url} redirects in a loop through {current}"),
                    status: None,
                };
            }
            if let Err((reason, detail)) = self.admissible(&current) {
                return Fetched::Failed {
                    reason,
                    detail: format!("redirected from {url}: {detail}"),
                    status: None,
                };
            }
            let host = current.host_str().unwrap_or("").to_string();
            let gate = self.gate(&host);
            let _slot = match gate.slots.acquire().await {
                Ok(s) => s,
                Err(_) => {
                    return Fetched::Failed {
                        reason: "cancelled",
                        detail: "the crawl is shutting down".into(),
                        status: None,
                    };
                }
            };
            let interval = *gate.interval.lock().unwrap_or_else(|p| p.into_inner());
            if !interval.is_zero() {
                // Requests to one host leave at least `interval` apart.
                let mut next = gate.next.lock().await;
                let now = Instant::now();
                if *next > now {
                    tokio::time::sleep(*next - now).await;
                }
                *next = Instant::now() + interval;
            }
            self.requests
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut req = self.client.get(current.clone());
            if let Some(v) = validators {
                if let Some(e) = &v.etag {
                    req = req.header(IF_NONE_MATCH, e);
                }
                if let Some(lm) = &v.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, lm);
                }
            }
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) => return classify(url, &e, attempt),
            };
            let status = resp.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let Some(loc) = resp.headers().get(LOCATION).and_then(|l| l.to_str().ok()) else {
                    return Fetched::Failed {
                        reason: "bad_redirect",
                        detail: format!("{current} answered {status} without a Location"),
                        status: Some(status.as_u16()),
                    };
                };
                match current.join(loc) {
                    Ok(next) => {
                        current = next;
                        continue;
                    }
                    Err(e) => {
                        return Fetched::Failed {
                            reason: "bad_redirect",
                            detail: format!("{current} redirects to {loc:?}: {e}"),
                            status: Some(status.as_u16()),
                        };
                    }
                }
            }
            if status == StatusCode::NOT_MODIFIED {
                return Fetched::NotModified { status: 304 };
            }
            if !status.is_success() {
                let retry = resp
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| format!(" retry-after={v}"))
                    .unwrap_or_default();
                return Fetched::Failed {
                    reason: status_reason(status),
                    detail: format!("{current} answered {status}{retry}"),
                    status: Some(status.as_u16()),
                };
            }
            let headers = resp.headers().clone();
            let body = match read_capped(resp, f.max_page_bytes).await {
                Ok(b) => b,
                Err(BodyError::TooLarge) => {
                    return Fetched::Failed {
                        reason: "too_large",
                        detail: format!(
                            "{current} is larger than fetch.max_page_bytes ({} bytes) once decompressed; cut off",
                            f.max_page_bytes
                        ),
                        status: Some(status.as_u16()),
                    };
                }
                Err(BodyError::Broken(e)) => return classify(url, &e, attempt),
            };
            self.keep_warc(&current, status, &headers, &body);
            let page = RawPage {
                source: current.to_string(),
                url: Some(current.to_string()),
                content_type: header(&headers, CONTENT_TYPE),
                fetched_at: Utc::now(),
                bytes: body,
            };
            return Fetched::Page {
                page,
                status: status.as_u16(),
                etag: header(&headers, ETAG),
                last_modified: header(&headers, LAST_MODIFIED),
            };
        }
        Fetched::Failed {
            reason: "too_many_redirects",
            detail: format!("{url} redirects more than {} times", f.max_redirects),
            status: None,
        }
    }

    fn keep_warc(&self, url: &Url, status: StatusCode, headers: &HeaderMap, body: &[u8]) {
        if let Some(w) = &self.warc {
            let mut w = w.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = w.response(url.as_str(), status, headers, body) {
                tracing::warn!("cannot write the WARC record of {url}: {e:#}");
            }
        }
    }
}

fn header(h: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

enum BodyError {
    TooLarge,
    Broken(reqwest::Error),
}

/// Reads the (decompressed) body chunk by chunk, stopping past `max` bytes.
async fn read_capped(mut resp: reqwest::Response, max: u64) -> Result<Vec<u8>, BodyError> {
    // Sized from Content-Length when the server gives one (never past the cap): the body
    // is then copied once, not once per doubling.
    let expected = resp.content_length().unwrap_or(0).min(max);
    let mut out: Vec<u8> = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() as u64 + chunk.len() as u64 > max {
                    return Err(BodyError::TooLarge);
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(BodyError::Broken(e)),
        }
    }
}

fn status_reason(s: StatusCode) -> &'static str {
    match s.as_u16() {
        404 => "http_404",
        410 => "http_410",
        403 => "http_403",
        401 => "http_401",
        429 => "http_429",
        500..=599 => "http_5xx",
        _ => "http_error",
    }
}

fn retryable(reason: &str, status: Option<u16>) -> bool {
    matches!(
        reason,
        "timeout" | "connection_error" | "truncated_body" | "http_429" | "http_5xx"
    ) && status != Some(501)
}

fn classify(url: &str, e: &reqwest::Error, attempt: u32) -> Fetched {
    let (reason, what) = if e.is_timeout() {
        ("timeout", "timed out")
    } else if e.is_connect() {
        ("connection_error", "could not connect")
    } else if e.is_body() || e.is_decode() {
        ("truncated_body", "sent a broken or truncated body")
    } else {
        ("connection_error", "failed")
    };
    let mut source = String::new();
    let mut err: Option<&dyn std::error::Error> = Some(e);
    while let Some(inner) = err {
        source = inner.to_string();
        err = inner.source();
    }
    Fetched::Failed {
        reason,
        detail: format!("{url} {what} after {} attempt(s): {source}", attempt + 1),
        status: None,
    }
}

/// Seconds to wait from a "retry-after=" note (seconds or an HTTP date).
fn parse_retry_after(detail: &str) -> Option<f64> {
    let v = detail.split("retry-after=").nth(1)?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return Some(secs.max(0.0));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some(
        (when.with_timezone(&Utc) - Utc::now())
            .num_milliseconds()
            .max(0) as f64
            / 1000.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "203.113.131.1", "2001:4860:4860::8888"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("x answered 429 retry-after=3"), Some(3.0));
        assert!(parse_retry_after("x answered 503").is_none());
        let later = (Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let secs = parse_retry_after(&format!("x retry-after={later}")).unwrap();
        assert!((25.0..=31.0).contains(&secs), "{secs}");
    }
}
