//! What the ledger's benches share: a minimal keep-alive HTTP/1.1 client (included with
//! `#[path]`; each bench is its own crate).

/// A minimal keep-alive HTTP/1.1 client: the load generator, like wrk, so that the run measures
/// the ledger rather than a client library sharing its two cores.
pub struct Conn {
    rd: tokio::io::BufReader<tokio::net::tcp::OwnedReadHalf>,
    wr: tokio::net::tcp::OwnedWriteHalf,
    host: String,
    line: String,
    pub body: Vec<u8>,
}

impl Conn {
    pub async fn open(addr: &str) -> Conn {
        let s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        s.set_nodelay(true).expect("nodelay");
        let (r, w) = s.into_split();
        Conn { rd: tokio::io::BufReader::new(r), wr: w, host: addr.to_owned(), line: String::new(), body: vec![] }
    }

    /// Sends one JSON POST and reads the whole response; returns the status.
    pub async fn post(&mut self, path: &str, body: &[u8]) -> u16 {
        self.request("POST", path, body).await
    }

    /// Sends one JSON POST with an `Idempotency-Key`, as the CLI sends every append.
    #[allow(dead_code)] // each bench is its own crate; not every one sends keys
    pub async fn post_keyed(&mut self, path: &str, body: &[u8], key: &str) -> u16 {
        self.send("POST", path, body, &format!("idempotency-key: {key}\r\n")).await
    }

    pub async fn request(&mut self, method: &str, path: &str, body: &[u8]) -> u16 {
        self.send(method, path, body, "").await
    }

    async fn send(&mut self, method: &str, path: &str, body: &[u8], headers: &str) -> u16 {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n",
            self.host,
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        self.wr.write_all(&req).await.expect("write");
        self.line.clear();
        self.rd.read_line(&mut self.line).await.expect("status line");
        let status: u16 = self.line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
        let mut len = 0usize;
        loop {
            self.line.clear();
            self.rd.read_line(&mut self.line).await.expect("header");
            let l = self.line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().expect("length");
                }
            }
        }
        self.body.resize(len, 0);
        self.rd.read_exact(&mut self.body).await.expect("body");
        status
    }
}
