//! `malbild serve` against hostile clients, on loopback only: each attack runs against the
//! real binary, bounded in count and time, while a legitimate visitor from another address
//! must still reach the first frame within a second. Attackers bind to 127.0.0.N for many
//! source addresses. The tests run one at a time, so one attack's load never lands on
//! another's visitor.
//!
//! `MALBILD_SERVE_BIN=/path/to/malbild` runs the suite against another build (options that
//! build does not know are left out).
#![cfg(feature = "serve")]
// Each test holds the one-at-a-time lock across its own runtime, never one shared with another.
#![allow(clippy::await_holding_lock)]

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::keys::PublicKeyOrCertificate;
use russh::{ChannelMsg, client};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

#[path = "common/locale.rs"]
mod locale;
use locale::Locale;

/// The longest any wait in this file may take.
const WAIT: Duration = Duration::from_secs(20);
/// What a visitor may take to see the first frame while the server is under attack.
const FIRST_FRAME: Duration = Duration::from_secs(1);

/// The longest any attack runs, whatever happens.
const ATTACK: Duration = Duration::from_secs(60);

/// One attack at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn binary() -> PathBuf {
    std::env::var_os("MALBILD_SERVE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_malbild")))
}

/// The server under test, killed when dropped; its log is gathered as it runs.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(options: &[&str]) -> Server {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "malbild-hostile-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let help = Command::new(binary())
            .args(["serve", "--help", "--lang", "en"])
            .locale("C.UTF-8")
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&help.stdout).into_owned();
        // Pairs of option and value; the ones this build does not know are left out.
        let mut args = Vec::new();
        for pair in options.chunks(2) {
            if help.contains(&format!("{} ", pair[0])) {
                args.extend(pair.iter().map(|s| s.to_string()));
            } else {
                eprintln!("note: this build has no {}", pair[0]);
            }
        }
        let mut child = Command::new(binary())
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--host-key"])
            .arg(dir.join("key"))
            .args(&args)
            // Swedish whatever the machine's locale: the visitor waits for "Mål".
            .locale("C.UTF-8")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let all = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on ").nth(1)
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(rest.split(',').next().unwrap().trim().to_string());
                }
                let mut all = all.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(WAIT)
            .expect("the server printed its address");
        Server {
            child,
            addr: addr.parse().unwrap(),
            log,
        }
    }

    fn status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Resident memory now and at its peak, in MB.
    fn rss_mb(&self) -> (u64, u64) {
        (self.status("VmRSS:") / 1024, self.status("VmHWM:") / 1024)
    }

    /// CPU time the server has used so far.
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after.split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_millis(ticks * 10)
    }

    /// Open file descriptors: the listener, the log, and one per connection.
    fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn count_in_log(&self, what: &str) -> usize {
        self.log().matches(what).count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `what` to hold, up to [`WAIT`].
async fn eventually(what: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if what() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    what()
}

/// A TCP connection from 127.0.0.`n`.
async fn tcp_from(n: u8, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((Ipv4Addr::new(127, 0, 0, n), 0)))?;
    socket.set_nodelay(true)?;
    tokio::time::timeout(WAIT, socket.connect(to))
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?
}

struct Trusting;

impl client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// A visitor from 127.0.0.`n` with a pty of `w`×`h`: the time to the first frame, or why not.
async fn visitor(n: u8, to: SocketAddr, w: u32, h: u32) -> Result<Duration, String> {
    let t0 = Instant::now();
    let config = Arc::new(client::Config {
        nodelay: true,
        ..client::Config::default()
    });
    let go = async {
        let stream = tcp_from(n, to).await.map_err(|e| format!("connect: {e}"))?;
        let mut handle = client::connect_stream(config, stream, Trusting)
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        handle
            .authenticate_none("visitor")
            .await
            .map_err(|e| format!("login: {e}"))?;
        let mut channel = handle
            .channel_open_session()
            .await
            .map_err(|e| format!("channel: {e}"))?;
        channel
            .request_pty(false, "xterm-256color", w, h, 0, 0, &[])
            .await
            .map_err(|e| format!("pty: {e}"))?;
        channel
            .request_shell(false)
            .await
            .map_err(|e| format!("shell: {e}"))?;
        let mut screen = vt100::Parser::new(h.min(200) as u16, w.min(600) as u16, 0);
        loop {
            match channel.wait().await {
                Some(ChannelMsg::Data { data }) => {
                    screen.process(&data);
                    if screen.screen().contents().contains("Mål") {
                        let took = t0.elapsed();
                        let _ = channel.data(&b"q"[..]).await;
                        return Ok(took);
                    }
                }
                Some(ChannelMsg::Close) | None => {
                    return Err(format!("closed: {}", screen.screen().contents().trim()));
                }
                Some(_) => {}
            }
        }
    };
    tokio::time::timeout(WAIT, go)
        .await
        .map_err(|_| "no first frame in time".to_string())?
}

/// The legitimate visitor's check: the first frame within [`FIRST_FRAME`] (median of three). The
/// visitor runs on a thread and runtime of its own, so the attackers' tasks in this process
/// never stand in its way; only the server's behaviour does.
async fn visitors_get_in(addr: SocketAddr, what: &str) -> Duration {
    let visits = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut times = Vec::new();
            for _ in 0..3 {
                times.push(visitor(2, addr, 80, 24).await);
            }
            times
        })
    });
    let visits = tokio::task::spawn_blocking(move || visits.join().unwrap())
        .await
        .unwrap();
    let mut times: Vec<Duration> = visits
        .into_iter()
        .map(|t| t.unwrap_or_else(|e| panic!("{what}: the visitor got no first frame: {e}")))
        .collect();
    times.sort();
    let (median, worst) = (times[1], times[2]);
    println!("{what}: visitor's first frame, median {median:?}, worst {worst:?}");
    // The median, so one hiccup of a shared machine is not taken for the server's.
    assert!(median < FIRST_FRAME, "{what}: first frame took {median:?}");
    median
}

// --- Raw SSH, for clients that misbehave ---------------------------------------------------

/// An unencrypted SSH packet around `payload` (RFC 4253 section 6).
fn packet(payload: &[u8]) -> Vec<u8> {
    let mut pad = 8 - (payload.len() + 5) % 8;
    if pad < 4 {
        pad += 8;
    }
    let mut p = Vec::with_capacity(payload.len() + pad + 5);
    p.extend_from_slice(&((payload.len() + pad + 1) as u32).to_be_bytes());
    p.push(pad as u8);
    p.extend_from_slice(payload);
    p.extend(std::iter::repeat_n(0u8, pad));
    p
}

fn string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

/// A KEXINIT asking for `kex` only.
fn kexinit(kex: &str) -> Vec<u8> {
    let mut p = vec![20];
    p.extend_from_slice(&[7u8; 16]);
    for list in [
        kex,
        "ssh-ed25519",
        "aes128-ctr,chacha20-poly1305@openssh.com",
        "aes128-ctr,chacha20-poly1305@openssh.com",
        "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
        "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
        "none",
        "none",
        "",
        "",
    ] {
        string(&mut p, list.as_bytes());
    }
    p.push(0);
    p.extend_from_slice(&0u32.to_be_bytes());
    packet(&p)
}

/// Reads the server's banner line and its packets as they come: the message numbers, until the
/// connection closes, `until` turns up, or time runs out.
async fn read_packets(stream: &mut TcpStream, until: u8, limit: Duration) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut banner = String::new();
    let mut types = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    let mut chunk = [0u8; 16384];
    loop {
        if banner.is_empty()
            && let Some(end) = buf.windows(2).position(|w| w == b"\r\n")
        {
            banner = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end + 2);
            if !banner.starts_with("SSH-") {
                // A line before the banner (the busy message): keep reading for the banner.
                types.push(0);
                banner.clear();
            }
        }
        while !banner.is_empty() && buf.len() >= 6 {
            let len = u32::from_be_bytes(buf[..4].try_into().unwrap()) as usize;
            if buf.len() < len + 4 {
                break;
            }
            types.push(buf[5]);
            buf.drain(..len + 4);
        }
        if types.contains(&until) {
            return (banner, types);
        }
        let n = match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => return (banner, types),
        };
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Whether the server closes `stream` within `limit` (reads everything it sends till then).
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut chunk = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

// --- A: silent connections -----------------------------------------------------------------

/// Silent connections from 16 addresses, kept open and reopened as the server drops them, do
/// not keep anyone else out; the server turns the surplus away with the busy line and closes
/// the rest at the deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connections_lock_nobody_out() {
    let _one = serial();
    let server = Server::start(&["--login-grace", "4"]);
    let addr = server.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let busy_lines = Arc::new(AtomicUsize::new(0));
    let connects = Arc::new(AtomicUsize::new(0));
    let mut attackers = Vec::new();
    for n in 10..26u8 {
        for _ in 0..16 {
            let (stop, busy_lines, connects) = (
                Arc::clone(&stop),
                Arc::clone(&busy_lines),
                Arc::clone(&connects),
            );
            attackers.push(tokio::spawn(async move {
                let end = Instant::now() + ATTACK;
                // Each slot reconnects when dropped, at most 50 times.
                for _ in 0..50 {
                    if stop.load(Ordering::SeqCst) || Instant::now() > end {
                        return;
                    }
                    let Ok(mut s) = tcp_from(n, addr).await else {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    connects.fetch_add(1, Ordering::SeqCst);
                    let mut got = Vec::new();
                    let mut chunk = [0u8; 1024];
                    while !stop.load(Ordering::SeqCst) && Instant::now() < end {
                        match tokio::time::timeout(Duration::from_millis(200), s.read(&mut chunk))
                            .await
                        {
                            Ok(Ok(0)) | Ok(Err(_)) => break,
                            Ok(Ok(k)) => got.extend_from_slice(&chunk[..k]),
                            Err(_) => {}
                        }
                    }
                    if String::from_utf8_lossy(&got).contains("upptagen") {
                        busy_lines.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }));
        }
    }
    assert!(eventually(|| connects.load(Ordering::SeqCst) >= 256).await);
    let cpu0 = server.cpu();
    visitors_get_in(addr, "A silent connections").await;
    // Past the deadline, and again with the pool refilled.
    tokio::time::sleep(Duration::from_secs(5)).await;
    visitors_get_in(addr, "A after the deadline").await;
    stop.store(true, Ordering::SeqCst);
    for a in attackers {
        let _ = a.await;
    }
    println!(
        "A: {} attacker connections, {} read the busy line, {} closed at the deadline, server CPU {:?}, RSS {:?} MB",
        connects.load(Ordering::SeqCst),
        busy_lines.load(Ordering::SeqCst),
        server.count_in_log("reason=deadline"),
        server.cpu() - cpu0,
        server.rss_mb()
    );
    assert!(
        busy_lines.load(Ordering::SeqCst) > 0,
        "nobody was told the server is busy"
    );
    assert!(server.count_in_log("reason=deadline stage=banner") > 0);
}

// --- B: finite-field Diffie-Hellman ----------------------------------------------------------

/// Clients that choose diffie-hellman-group18 and send a KEXDH_INIT without doing any math get
/// no reply computed: the group is not offered, and the server's CPU stays low.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b_large_dh_groups_cost_the_server_nothing() {
    let _one = serial();
    let server = Server::start(&[]);
    let addr = server.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let replies = Arc::new(AtomicUsize::new(0));
    let offered = Arc::new(Mutex::new(String::new()));
    let tries = Arc::new(AtomicUsize::new(0));
    let cpu0 = server.cpu();
    let mut attackers = Vec::new();
    for i in 0..8u8 {
        let (stop, replies, tries) = (Arc::clone(&stop), Arc::clone(&replies), Arc::clone(&tries));
        attackers.push(tokio::spawn(async move {
            let mut e = vec![0x7f];
            e.extend(std::iter::repeat_n(0x5au8, 1023));
            let mut init = vec![30];
            string(&mut init, &e);
            let init = packet(&init);
            let end = Instant::now() + ATTACK;
            for _ in 0..200 {
                if stop.load(Ordering::SeqCst) || Instant::now() > end {
                    return;
                }
                let Ok(mut s) = tcp_from(30 + i % 2, addr).await else {
                    continue;
                };
                let _ = s.write_all(b"SSH-2.0-attacker\r\n").await;
                let _ = s.write_all(&kexinit("diffie-hellman-group18-sha512")).await;
                let _ = s.write_all(&init).await;
                tries.fetch_add(1, Ordering::SeqCst);
                let (_, types) = read_packets(&mut s, 31, Duration::from_secs(10)).await;
                if types.contains(&31) {
                    replies.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    // What the server offers, read by one more client.
    {
        let mut s = tcp_from(3, addr).await.unwrap();
        s.write_all(b"SSH-2.0-reader\r\n").await.unwrap();
        let mut buf = vec![0u8; 4096];
        let mut got = Vec::new();
        while !String::from_utf8_lossy(&got).contains("ssh-ed25519") {
            let n = tokio::time::timeout(WAIT, s.read(&mut buf))
                .await
                .unwrap()
                .unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        *offered.lock().unwrap() = String::from_utf8_lossy(&got).into_owned();
    }
    assert!(eventually(|| tries.load(Ordering::SeqCst) >= 16).await);
    visitors_get_in(addr, "B group18 clients").await;
    stop.store(true, Ordering::SeqCst);
    for a in attackers {
        let _ = a.await;
    }
    let tries = tries.load(Ordering::SeqCst);
    let cpu = server.cpu() - cpu0;
    println!(
        "B: {tries} group18 exchanges tried, {} answered, server CPU {cpu:?} ({:?} each), RSS {:?} MB",
        replies.load(Ordering::SeqCst),
        cpu / tries as u32,
        server.rss_mb()
    );
    let offered = offered.lock().unwrap().clone();
    assert!(!offered.contains("diffie-hellman"), "offered: {offered}");
    assert!(offered.contains("mlkem768x25519-sha256") && offered.contains("curve25519-sha256"));
    // MACs: encrypt-then-MAC only.
    assert!(!offered.contains("hmac-sha2-512,") && !offered.contains(",hmac-sha2-256\0"));
    assert_eq!(
        replies.load(Ordering::SeqCst),
        0,
        "a group18 exchange was computed"
    );
}

// --- C: key exchanges kept open with SSH_MSG_IGNORE ------------------------------------------

/// Clients that start a key exchange and never finish it, sending SSH_MSG_IGNORE now and then,
/// are cut at the deadline and leave no socket behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_a_kex_kept_alive_with_ignore_is_cut_at_the_deadline() {
    let _one = serial();
    let server = Server::start(&["--login-grace", "3"]);
    let addr = server.addr;
    let fds0 = server.fds();
    let stop = Arc::new(AtomicBool::new(false));
    let mut attackers = Vec::new();
    for i in 0..32u8 {
        let stop = Arc::clone(&stop);
        attackers.push(tokio::spawn(async move {
            let mut s = tcp_from(40 + i % 4, addr).await.ok()?;
            s.write_all(b"SSH-2.0-attacker\r\n").await.ok()?;
            s.write_all(&kexinit("curve25519-sha256")).await.ok()?;
            let t0 = Instant::now();
            let mut ignore = vec![2];
            string(&mut ignore, b"still here");
            let ignore = packet(&ignore);
            // At most 60 messages, 250 ms apart; the server should close well before.
            for _ in 0..60 {
                if stop.load(Ordering::SeqCst) || s.write_all(&ignore).await.is_err() {
                    break;
                }
                if closed_within(&mut s, Duration::from_millis(250)).await {
                    return Some(t0.elapsed());
                }
            }
            None
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let during = server.fds();
    visitors_get_in(addr, "C kex with SSH_MSG_IGNORE").await;
    let mut cut = Vec::new();
    for a in attackers {
        cut.push(a.await.unwrap());
    }
    stop.store(true, Ordering::SeqCst);
    let open = cut.iter().filter(|c| c.is_none()).count();
    let latest = cut.iter().flatten().max().copied();
    assert!(
        eventually(|| server.fds() <= fds0).await,
        "file descriptors left open"
    );
    println!(
        "C: 32 clients, {open} still open after 15 s, last cut after {latest:?}; server fds {fds0} before, {during} during, {} after",
        server.fds()
    );
    assert_eq!(open, 0, "connections outlived the deadline");
    assert!(server.count_in_log("reason=deadline stage=key-exchange") >= 32);
}

// --- D: memory ---------------------------------------------------------------------------------

/// Sixteen visitors asking for 500×500 and storming window changes stay within the budget, and
/// the memory goes back when they leave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_big_ptys_and_resize_storms_stay_within_the_budget() {
    let _one = serial();
    let server = Server::start(&[]);
    let addr = server.addr;
    visitor(3, addr, 80, 24).await.unwrap();
    let (base, _) = server.rss_mb();
    let cpu0 = server.cpu();
    let stop = Arc::new(AtomicBool::new(false));
    let mut attackers = Vec::new();
    for i in 0..16u8 {
        let stop = Arc::clone(&stop);
        attackers.push(tokio::spawn(async move {
            let config = Arc::new(client::Config::default());
            let stream = tcp_from(50 + i % 4, addr).await.unwrap();
            let mut handle = client::connect_stream(config, stream, Trusting)
                .await
                .unwrap();
            handle.authenticate_none("big").await.unwrap();
            let mut ch = handle.channel_open_session().await.unwrap();
            ch.request_pty(false, "xterm", 500, 500, 0, 0, &[])
                .await
                .unwrap();
            ch.request_shell(false).await.unwrap();
            // 200 window changes, reading as it goes so the server is never held back.
            for k in 0..200u32 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let (w, h) = if k % 2 == 0 {
                    (500, 500)
                } else {
                    (499 - k % 50, 480)
                };
                if ch.window_change(w, h, 0, 0).await.is_err() {
                    break;
                }
                while let Ok(Some(_)) =
                    tokio::time::timeout(Duration::from_millis(1), ch.wait()).await
                {
                }
            }
            let _ = ch.data(&b"q"[..]).await;
            let _ = tokio::time::timeout(WAIT, async { while ch.wait().await.is_some() {} }).await;
        }));
    }
    assert!(eventually(|| server.count_in_log("start 127.0.0.5") >= 16).await);
    visitors_get_in(addr, "D resize storms").await;
    for a in attackers {
        let _ = a.await;
    }
    stop.store(true, Ordering::SeqCst);
    assert!(eventually(|| server.count_in_log("end 127.0.0.5") >= 16).await);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (after, peak) = server.rss_mb();
    println!(
        "D: 16 sessions asking 500x500, 200 resizes each: server CPU {:?}; RSS {base} MB before, peak {peak} MB, {after} MB after",
        server.cpu() - cpu0
    );
    assert!(
        server.log().contains("size=300x100"),
        "the pty was not capped"
    );
    assert!(
        !server.log().contains("size=500x"),
        "the pty was not capped"
    );
    assert!(peak < 256, "peak RSS {peak} MB");
    assert!(
        after < base + 32,
        "RSS {after} MB after the sessions, {base} MB before"
    );
}

// --- E: channels that never start ------------------------------------------------------------

/// Session channels with no pty and no shell, or a pty and no shell, hold no session and are
/// closed at the deadline with a log line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_channels_without_a_shell_hold_nothing_and_are_closed() {
    let _one = serial();
    let server = Server::start(&["--login-grace", "3", "--max-sessions", "2"]);
    let addr = server.addr;
    let mut idle = Vec::new();
    for i in 0..4u8 {
        let config = Arc::new(client::Config::default());
        let stream = tcp_from(60 + i, addr).await.unwrap();
        let mut handle = client::connect_stream(config, stream, Trusting)
            .await
            .unwrap();
        handle.authenticate_none("idle").await.unwrap();
        let ch = handle.channel_open_session().await.unwrap();
        if i % 2 == 1 {
            ch.request_pty(false, "xterm", 80, 24, 0, 0, &[])
                .await
                .unwrap();
        }
        idle.push((handle, ch));
    }
    visitors_get_in(addr, "E channels without a shell").await;
    let t0 = Instant::now();
    for (_handle, ch) in &mut idle {
        let closed = tokio::time::timeout(WAIT, async {
            while let Some(m) = ch.wait().await {
                if matches!(m, ChannelMsg::Close) {
                    break;
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "a channel without a shell stayed open");
    }
    println!(
        "E: 4 channels without a shell, all closed {:?} after the visitor",
        t0.elapsed()
    );
    assert!(server.count_in_log("reason=deadline stage=channel") >= 2);
    assert!(server.count_in_log("reason=deadline stage=pty") >= 2);
}
