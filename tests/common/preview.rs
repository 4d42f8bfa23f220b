//! A real `briefing serve` process, for the tests and the benchmark: started
//! on a free port with its URL read from what it prints, fetched from with a
//! real HTTP client, listened to over its WebSocket, and stopped when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tungstenite::stream::MaybeTlsStream;

/// A running preview server.
pub struct Preview {
    child: Child,
    /// `http://127.0.0.1:PORT/`
    pub base: String,
    /// Everything it has printed to standard error so far.
    pub log: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

/// A fetched response: status, content type and body.
pub struct Fetched {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Fetched {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Preview {
    /// Starts `briefing serve --project DIR --port 0`, waiting until it serves.
    pub fn start(binary: &Path, project: &Path) -> Self {
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0", "--project"])
            .arg(project)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start briefing serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (sender, receiver) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let url: String = line[at..].chars().take_while(|c| !c.is_whitespace()).collect();
                    let _ = sender.send(url);
                }
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let base = match receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(base) => base,
            Err(_) => panic!("briefing serve did not start:\n{}", log.lock().unwrap()),
        };
        let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        Self { child, base, log, agent }
    }

    /// GETs `path` (relative to the site root, without the leading slash).
    pub fn get(&self, path: &str) -> Fetched {
        let mut response = self.agent.get(format!("{}{path}", self.base)).call().expect("an HTTP response");
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = response.body_mut().read_to_vec().expect("a body");
        Fetched { status, content_type, body }
    }

    /// Sends `target` exactly as written (no client normalises it), with
    /// `host` as the Host header, and returns the status line.
    pub fn raw_status(&self, target: &str, host: &str) -> String {
        let address = self.base.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = TcpStream::connect(address).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        reply.lines().next().unwrap_or("").to_string()
    }

    /// Opens the WebSocket an open page listens on.
    pub fn events(&self) -> Events {
        let url = format!("{}__briefing/events", self.base.replace("http://", "ws://"));
        let (mut socket, _) = tungstenite::connect(url).expect("connect the WebSocket");
        if let MaybeTlsStream::Plain(stream) = socket.get_mut() {
            stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        }
        Events { socket }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The messages the server sends open pages.
pub struct Events {
    socket: tungstenite::WebSocket<MaybeTlsStream<TcpStream>>,
}

impl Events {
    /// The next message whose `kind` is `kind`, skipping others; `None` after `within`.
    pub fn wait_for(&mut self, kind: &str, within: Duration) -> Option<serde_json::Value> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(tungstenite::Message::Text(text)) => {
                    let message: serde_json::Value = serde_json::from_str(text.as_str()).expect("JSON");
                    if message["kind"] == kind {
                        return Some(message);
                    }
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => panic!("the WebSocket failed: {e}"),
            }
        }
        None
    }
}
