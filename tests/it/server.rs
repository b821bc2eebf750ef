//! A real HTTP/1.1 server on 127.0.0.1 for crawl tests, serving a fixture portal and
//! the faults a crawler meets in the wild. Every request is logged.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How a path answers.
#[derive(Clone)]
pub enum Route {
    /// 200 with a body and content type; ETag and Last-Modified from the body.
    Page { body: Vec<u8>, content_type: String },
    /// First `n` requests get `status` (with an optional Retry-After), then the page.
    FailFirst {
        n: usize,
        status: u16,
        retry_after: Option<u32>,
        then: Box<Route>,
    },
    /// Waits before answering.
    Slow { delay: Duration },
    /// Closes the connection without answering.
    Reset,
    /// A gzip body cut in half, declared as gzip.
    TruncatedGzip { body: Vec<u8> },
    /// A small gzip body that expands to `expanded` bytes.
    GzipBomb { expanded: usize },
    /// 302 to another path.
    Redirect { to: String },
}

/// One logged request.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
}

/// Answers paths that have no fixed route (generated sites for benchmarks).
pub type Fallback = Arc<dyn Fn(&str) -> Option<Route> + Send + Sync>;

pub struct Server {
    pub addr: SocketAddr,
    pub routes: Arc<Mutex<HashMap<String, Route>>>,
    pub log: Arc<Mutex<Vec<Logged>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    /// Starts a server on an ephemeral loopback port.
    pub fn start(routes: HashMap<String, Route>) -> Server {
        Self::start_with(routes, None)
    }

    /// Starts a server whose unknown paths are answered by `fallback`.
    pub fn start_with(routes: HashMap<String, Route>, fallback: Option<Fallback>) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let routes = Arc::new(Mutex::new(routes));
        let log = Arc::new(Mutex::new(Vec::new()));
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let (r, l, h) = (routes.clone(), log.clone(), hits.clone());
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (r, l, h, f) = (r.clone(), l.clone(), h.clone(), fallback.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, r, l, h, f).await;
                });
            }
        });
        Server {
            addr,
            routes,
            log,
            hits,
            _runtime: runtime,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Paths requested so far.
    pub fn requested(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|l| l.path.clone())
            .collect()
    }

    pub fn set(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
        self.hits.lock().unwrap().remove(path);
    }

    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }
}

fn etag(body: &[u8]) -> String {
    format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body))
}

async fn serve(
    mut stream: TcpStream,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    log: Arc<Mutex<Vec<Logged>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    fallback: Option<Fallback>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    log.lock().unwrap().push(Logged {
        path: path.clone(),
        if_none_match: headers.get("if-none-match").cloned(),
        if_modified_since: headers.get("if-modified-since").cloned(),
    });
    let hit = {
        let mut h = hits.lock().unwrap();
        let c = h.entry(path.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let route = routes
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .or_else(|| fallback.as_ref().and_then(|f| f(&path)));
    let mut route = match route {
        Some(r) => r,
        None => return respond(&mut stream, 404, &[], b"not found").await,
    };
    loop {
        match route {
            Route::FailFirst {
                n,
                status,
                retry_after,
                then,
            } => {
                if hit <= n {
                    let extra: Vec<(String, String)> = retry_after
                        .map(|s| vec![("Retry-After".to_string(), s.to_string())])
                        .unwrap_or_default();
                    return respond(&mut stream, status, &extra, b"try later").await;
                }
                route = *then;
            }
            Route::Page { body, content_type } => {
                let tag = etag(&body);
                if headers.get("if-none-match") == Some(&tag) {
                    return respond(&mut stream, 304, &[("ETag".into(), tag)], b"").await;
                }
                let extra = vec![
                    ("Content-Type".to_string(), content_type),
                    ("ETag".to_string(), tag),
                    (
                        "Last-Modified".to_string(),
                        "Thu, 17 Sep 2020 08:19:00 GMT".to_string(),
                    ),
                ];
                return respond(&mut stream, 200, &extra, &body).await;
            }
            Route::Slow { delay } => {
                tokio::time::sleep(delay).await;
                return respond(
                    &mut stream,
                    200,
                    &[("Content-Type".into(), "text/html".into())],
                    b"<html><body><p>late</p></body></html>",
                )
                .await;
            }
            Route::Reset => {
                // Close without a response: the client sees the connection cut.
                drop(stream);
                return Ok(());
            }
            Route::TruncatedGzip { body } => {
                let gz = gzip(&body);
                let cut = &gz[..gz.len() / 2];
                let extra = vec![
                    (
                        "Content-Type".to_string(),
                        "text/html; charset=utf-8".to_string(),
                    ),
                    ("Content-Encoding".to_string(), "gzip".to_string()),
                ];
                return respond(&mut stream, 200, &extra, cut).await;
            }
            Route::GzipBomb { expanded } => {
                let mut enc =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                let zeros = vec![b' '; 1 << 20];
                for _ in 0..expanded / zeros.len() {
                    enc.write_all(&zeros).unwrap();
                }
                let gz = enc.finish().unwrap();
                let extra = vec![
                    ("Content-Type".to_string(), "text/html".to_string()),
                    ("Content-Encoding".to_string(), "gzip".to_string()),
                ];
                return respond(&mut stream, 200, &extra, &gz).await;
            }
            Route::Redirect { to } => {
                return respond(&mut stream, 302, &[("Location".into(), to)], b"").await;
            }
        }
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    stream.shutdown().await
}
