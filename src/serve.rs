//! `malbild serve`: the goals over SSH for anyone, without a shell account.
//!
//! Every visitor gets their own `App`, driven by the same [`crate::keymap`] as a local terminal
//! (the bytes from the channel go through [`input`]) and drawn by the same widgets into a
//! ratatui terminal that writes to the channel ([`session`]). Nothing else is offered: no
//! commands, no subsystems, no forwarding.

mod handler;
mod hostkey;
pub mod input;
mod messages;
mod options;
mod session;

pub use hostkey::host_key;
pub(crate) use messages::messages;
pub use options::{Parsed, Settings, help, load, parse};

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::keys::ssh_key::HashAlg;
use russh::{MethodKind, MethodSet};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use crate::content::Outline;

/// How long a connection may take to start a session (or to read a refusal) before it is cut.
const LOGIN_GRACE: Duration = Duration::from_secs(30);
/// How long a connection may stay open after its session has ended.
const AFTER_SESSION: Duration = Duration::from_secs(2);
/// How long sessions get to say goodbye when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// Connections over the limits that may wait for their refusal at once; past that they are
/// dropped without a word, so a flood costs no key exchanges.
const MAX_REFUSING: usize = 32;
/// How often to check a silent client is still there, and how many missed answers end it.
const KEEPALIVE: Duration = Duration::from_secs(30);
const KEEPALIVE_MAX: usize = 3;

/// `malbild serve [OPTIONS]`: `args` are the arguments after `serve`. Returns when the server
/// has stopped (SIGTERM, SIGINT, SIGHUP): 0, or 2 for bad options, 1 when it cannot start.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let settings = match parse(&args) {
        Ok(Parsed::Run(s)) => s,
        Ok(Parsed::Help(lang)) => {
            print!("{}", help(lang));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("malbild serve: {e}");
            return ExitCode::from(2);
        }
    };
    let outline = match load(&settings) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("malbild serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let server = start(settings, outline).await?;
        eprintln!(
            "malbild serve: listening on {}, host key {}",
            server.local_addr(),
            server.fingerprint()
        );
        stop_signal().await?;
        eprintln!("malbild serve: stopping");
        server.stop().await;
        io::Result::Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("malbild serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Waits for SIGTERM, SIGINT or SIGHUP.
async fn stop_signal() -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = hup.recv() => {}
    }
    Ok(())
}

/// Who is connected: the counts the limits are checked against.
#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
    refusing: usize,
}

/// State shared by every connection.
pub(crate) struct Shared {
    pub settings: Settings,
    pub outline: Outline,
    config: Arc<russh::server::Config>,
    counts: Mutex<Counts>,
    /// Turns true when the server stops.
    pub shutdown: watch::Receiver<bool>,
    /// Frames not sent because a client was behind (each followed by a full frame later).
    pub dropped_frames: AtomicU64,
    /// Connections still open, and a wake-up for each one that closes.
    open: AtomicUsize,
    closed: Notify,
}

/// Why a connection may not have a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Busy,
    PerIp,
}

/// A place counted against the limits, given back when dropped.
struct Ticket {
    shared: Arc<Shared>,
    ip: IpAddr,
    refusal: Option<Refusal>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.shared.counts.lock().unwrap_or_else(|e| e.into_inner());
        if self.refusal.is_some() {
            counts.refusing -= 1;
        } else {
            counts.total -= 1;
            if let Some(n) = counts.per_ip.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    counts.per_ip.remove(&self.ip);
                }
            }
        }
    }
}

/// The address `--max-per-ip` counts by: an IPv4 address, or an IPv6 /64 (one host can
/// have all of a /64, so counting single IPv6 addresses would limit nothing).
pub fn address_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

impl Shared {
    /// Counts a new connection from `ip`, or says why it is refused; `None` when there is no
    /// room even to refuse politely.
    fn admit(self: &Arc<Shared>, ip: IpAddr) -> Option<Ticket> {
        let ip = address_group(ip);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let from_ip = counts.per_ip.get(&ip).copied().unwrap_or(0);
        let refusal = if counts.total >= self.settings.max_sessions {
            Some(Refusal::Busy)
        } else if from_ip >= self.settings.max_per_ip {
            Some(Refusal::PerIp)
        } else {
            None
        };
        match refusal {
            Some(_) if counts.refusing >= MAX_REFUSING => return None,
            Some(_) => counts.refusing += 1,
            None => {
                counts.total += 1;
                *counts.per_ip.entry(ip).or_insert(0) += 1;
            }
        }
        Some(Ticket {
            shared: Arc::clone(self),
            ip,
            refusal,
        })
    }
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    fingerprint: String,
    stop: watch::Sender<bool>,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

impl Server {
    /// The address it listens on (with the real port when started on port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The host key's SHA256 fingerprint, as `ssh` shows it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Connections counted against the limits now: each has a session or is about to.
    pub fn sessions(&self) -> usize {
        self.shared
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .total
    }

    /// Frames dropped so far because a client was not reading fast enough.
    pub fn dropped_frames(&self) -> u64 {
        self.shared.dropped_frames.load(Ordering::Relaxed)
    }

    /// Stops accepting, tells every session goodbye and closes it, and returns when all
    /// connections are gone (or after a grace period).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        self.accept.abort();
        let _ = self.accept.await;
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE + Duration::from_secs(1);
        while self.shared.open.load(Ordering::SeqCst) > 0 {
            let closed = self.shared.closed.notified();
            if self.shared.open.load(Ordering::SeqCst) == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, closed).await.is_err() {
                break;
            }
        }
    }
}

/// Starts a server for `outline` on `settings.listen`; the host key is read or made first.
pub async fn start(settings: Settings, outline: Outline) -> io::Result<Server> {
    let key = host_key(&settings.host_key)?;
    let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
    let listener = TcpListener::bind(settings.listen).await?;
    let addr = listener.local_addr()?;
    // Colour is the theme's decision (`c` toggles it), as in the local interface.
    ratatui::crossterm::style::force_color_output(true);
    let config = russh::server::Config {
        server_id: russh::SshId::Standard(
            concat!("SSH-2.0-malbild_", env!("CARGO_PKG_VERSION")).into(),
        ),
        methods: MethodSet::from(
            &[
                MethodKind::None,
                MethodKind::PublicKey,
                MethodKind::KeyboardInteractive,
            ][..],
        ),
        auth_rejection_time: Duration::from_millis(100),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![key],
        // Liveness comes from keep-alives; the visitor's own silence from the idle timeout.
        inactivity_timeout: None,
        keepalive_interval: Some(KEEPALIVE),
        keepalive_max: KEEPALIVE_MAX,
        nodelay: true,
        ..Default::default()
    };
    let (stop, shutdown) = watch::channel(false);
    let shared = Arc::new(Shared {
        settings,
        outline,
        config: Arc::new(config),
        counts: Mutex::new(Counts::default()),
        shutdown,
        dropped_frames: AtomicU64::new(0),
        open: AtomicUsize::new(0),
        closed: Notify::new(),
    });
    let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
    Ok(Server {
        addr,
        fingerprint,
        stop,
        shared,
        accept,
    })
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: wait a moment rather than spin.
                eprintln!("malbild serve: accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if *shared.shutdown.borrow() {
            return;
        }
        let Some(ticket) = shared.admit(peer.ip()) else {
            log(&format!("refused {peer} reason=flood"));
            continue;
        };
        shared.open.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            connection(&shared, socket, peer, ticket).await;
            shared.open.fetch_sub(1, Ordering::SeqCst);
            shared.closed.notify_waiters();
        });
    }
}

/// Returns once the server is stopping.
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// One line on stderr.
pub(crate) fn log(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "malbild serve: {line}");
}

/// What a connection's handler and its session tell the connection task.
#[derive(Default)]
pub(crate) struct Progress {
    /// A session channel was opened.
    pub opened: AtomicBool,
    /// The session (or the refusal) is over.
    pub ended: Notify,
}

async fn connection(shared: &Arc<Shared>, socket: TcpStream, peer: SocketAddr, ticket: Ticket) {
    let progress = Arc::new(Progress::default());
    let visitor = handler::Visitor {
        shared: Arc::clone(shared),
        peer,
        refusal: ticket.refusal,
        progress: Arc::clone(&progress),
    };
    let Ok(running) = russh::server::run_stream(Arc::clone(&shared.config), socket, visitor).await
    else {
        return;
    };
    let handle = running.handle();
    tokio::pin!(running);
    let mut shutdown = shared.shutdown.clone();
    let disconnect = |why: &str| {
        let handle = handle.clone();
        let why = why.to_string();
        async move {
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, why, String::new())
                .await;
        }
    };
    let messages = messages(shared.settings.lang);
    let opened = || progress.opened.load(Ordering::SeqCst);
    let login = tokio::time::Instant::now() + LOGIN_GRACE;
    let mut login_pending = true;
    let mut give_up: Option<tokio::time::Instant> = None;
    // Until the session (or its refusal) is over: the login gets a grace period, and when the
    // server stops, a session gets a moment to say goodbye itself.
    loop {
        tokio::select! {
            _ = &mut running => return,
            _ = progress.ended.notified() => break,
            _ = tokio::time::sleep_until(login), if login_pending => {
                login_pending = false;
                if !opened() {
                    disconnect("").await;
                    return;
                }
            }
            _ = stopped(&mut shutdown), if give_up.is_none() => {
                if !opened() {
                    disconnect(messages.shutdown).await;
                    return;
                }
                give_up = Some(tokio::time::Instant::now() + SHUTDOWN_GRACE);
            }
            _ = tokio::time::sleep_until(give_up.unwrap_or(login)), if give_up.is_some() => {
                disconnect(messages.shutdown).await;
                return;
            }
        }
    }
    // The connection does not outlive its session.
    tokio::select! {
        _ = &mut running => {}
        _ = tokio::time::sleep(AFTER_SESSION) => disconnect("").await,
    }
    drop(ticket);
}
